package dev.pimflow.bench;

import dev.pimflow.pim.simulator.GraphSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The phases of the two references the lifecycles scenario measures beside the orchestrator: the engine floor
 * (standalone Camunda in the bench JVM) and the plain pipeline (a Kafka consumer making the same Graph calls).
 */
final class ReferencePhases {
    private static final String PIPELINE_SECRET = "bench-plain-pipeline-secret-0123456789abcdef";

    private ReferencePhases() {}

    static Map<String, Object> floor(Lifecycles options, Workload.Plan plan) throws Exception {
        Path tmp = options.tmp();
        Tracker t = new Tracker();
        Workload w = new Workload(
                List.of(Workload.ALINE, Workload.ADMIN, Workload.BOB), i -> Duration.ofHours(1), true, options.hold);
        Map<String, Object> phase = Results.newPhase("engine-floor");
        try (Database database = Database.create(options.db, tmp, "floor", options.keepDb);
                EngineFloor floor = new EngineFloor(database, t, options.floorIngestThreads);
                ThreadSampler sampler = options.sampler(-1)) {
            phase.put("engineSettings", floor.settings);
            phase.put("postgresMaintenance", database.maintenance());
            WindowMarks marks = new WindowMarks(-1, database, sampler, false);
            Workload.Run run = Workload.run(t, floor, w, plan, marks::atWarmEnd, marks::atSendEnd);
            Results.fill(phase, t, run, plan, marks);
            phase.put("postgresMaintenance", database.maintenance());
            if (sampler != null) {
                phase.put("threads", sampler.result(8));
            }
        } finally {
            ScenarioOptions.cleanup(tmp);
        }
        phase.put("loadAfter", Env.loadAverage());
        return phase;
    }

    static Map<String, Object> pipeline(Lifecycles options, Workload.Plan plan) throws Exception {
        Path tmp = options.tmp();
        Tracker t = new Tracker();
        Map<String, Object> phase = Results.newPhase("plain-pipeline");
        try (BenchBroker broker = new BenchBroker(tmp.resolve("kafka"));
                GraphSimulator sim = GraphSimulator.start(0)) {
            broker.createTopics();
            Seeder seeder = new Seeder(sim.baseUrl());
            List<String> principals = seeder.seed(options.graphLatency.toMillis());
            phase.put("seed", seeder.report);
            Workload w = new Workload(principals, i -> Duration.ofHours(1), true, options.hold);
            measurePipeline(options, plan, broker, sim, t, w, phase);
        } finally {
            ScenarioOptions.cleanup(tmp);
        }
        phase.put("loadAfter", Env.loadAverage());
        return phase;
    }

    private static void measurePipeline(
            Lifecycles options,
            Workload.Plan plan,
            BenchBroker broker,
            GraphSimulator sim,
            Tracker t,
            Workload w,
            Map<String, Object> phase)
            throws Exception {
        try (PlainPipeline pipeline = new PlainPipeline(
                                broker.bootstrapServers(), sim.baseUrl(), PIPELINE_SECRET, options.pipelineWorkers)
                        .start();
                KafkaDriver driver = new KafkaDriver("plain-pipeline", broker.bootstrapServers(), PIPELINE_SECRET, t);
                ThreadSampler sampler = options.sampler(-1)) {
            KafkaDriver.awaitGroups(
                    broker.bootstrapServers(),
                    List.of("plain.ticket-events", "plain.mfa-responses"),
                    Duration.ofSeconds(60));
            driver.start(Duration.ofSeconds(60));
            phase.put("workers", options.pipelineWorkers);
            WindowMarks marks = new WindowMarks(-1, null, sampler, false);
            Workload.Run run = Workload.run(t, driver, w, plan, marks::atWarmEnd, marks::atSendEnd);
            Results.fill(phase, t, run, plan, marks);
            phase.put("pipelineErrors", pipeline.errors.get());
            if (sampler != null) {
                phase.put("threads", sampler.result(8));
            }
        }
    }
}
