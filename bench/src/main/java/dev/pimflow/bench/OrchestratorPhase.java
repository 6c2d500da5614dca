package dev.pimflow.bench;

import dev.pimflow.pim.simulator.GraphSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The orchestrator's phase of a scenario: its database (and, for {@code --deps bench}, the broker and Graph simulator in
 * the bench JVM), the packaged orchestrator as a subprocess, the seed, the workload through its topics, and what is
 * measured around it. For the timer scenario (timers != null) the workload never closes tickets and the heap is
 * measured at the peak of active activations.
 */
final class OrchestratorPhase {
    private final ScenarioOptions options;
    private final Workload.Plan plan;
    private final String deps;
    private final boolean closeOnActive;
    private final Timers timers;
    private final Scenario custom;
    private final Tracker t = new Tracker();
    private final Map<String, Object> phase;

    private BenchBroker broker;
    private GraphSimulator sim;
    private Database database;
    private OrchestratorProcess orch;

    private OrchestratorPhase(
            ScenarioOptions options,
            Workload.Plan plan,
            String deps,
            boolean closeOnActive,
            Timers timers,
            Scenario custom) {
        this.options = options;
        this.plan = plan;
        this.deps = deps;
        this.closeOnActive = closeOnActive;
        this.timers = timers;
        this.custom = custom;
        this.phase = Results.newPhase("orchestrator");
    }

    /**
     * A scenario that drives the orchestrator itself (its own sending, pacing and figures) instead of a
     * {@link Workload}: it gets the started orchestrator, its seeded principals and the driver, and fills the phase.
     */
    interface Scenario {
        void drive(Context c) throws Exception;
    }

    record Context(
            Tracker t,
            OrchestratorProcess orch,
            Database database,
            KafkaDriver driver,
            ThreadSampler sampler,
            List<String> principals,
            Map<String, Object> phase) {}

    /** Runs the orchestrator phase of a scenario that drives it itself, and returns its figures. */
    static Map<String, Object> run(ScenarioOptions options, String deps, Scenario custom) throws Exception {
        return new OrchestratorPhase(options, null, deps, false, null, custom).run();
    }

    /** Runs the orchestrator phase and returns its figures. */
    static Map<String, Object> run(
            ScenarioOptions options, Workload.Plan plan, String deps, boolean closeOnActive, Timers timers)
            throws Exception {
        return new OrchestratorPhase(options, plan, deps, closeOnActive, timers, null).run();
    }

    private Map<String, Object> run() throws Exception {
        Path tmp = options.tmp();
        try {
            startDependencies(tmp);
            startOrchestrator(tmp);
            List<String> principals = seed();
            KafkaDriver.awaitTopics(orch.bootstrap, Duration.ofSeconds(60));
            KafkaDriver.awaitGroups(
                    orch.bootstrap, List.of("pimflow.ticket-events", "pimflow.mfa-responses"), Duration.ofSeconds(90));
            if (custom == null) {
                measure(workload(principals));
            } else {
                driveCustom(principals);
            }
            phase.put("heapAfterRun", orch.heapAfterGc());
            phase.put("orchestratorLog", logSummary());
        } finally {
            closeAll(tmp);
        }
        phase.put("loadAfter", Env.loadAverage());
        return phase;
    }

    /** The database, and for {@code --deps bench} the broker and the Graph simulator in the bench JVM. */
    private void startDependencies(Path tmp) throws Exception {
        database = options.db.equals("h2")
                ? Database.h2(tmp.resolve("orchestrator").resolve("data"))
                : Database.create(options.db, tmp, "orch", options.keepDb);
        if (deps.equals("bench")) {
            broker = new BenchBroker(tmp.resolve("kafka"));
            broker.createTopics();
            sim = GraphSimulator.start(0);
        } else if (!deps.equals("embedded")) {
            throw new IllegalArgumentException("--deps must be embedded or bench");
        }
    }

    private void startOrchestrator(Path tmp) throws Exception {
        orch = new OrchestratorProcess(
                options.jar.toAbsolutePath(),
                tmp.resolve("orchestrator"),
                database,
                broker == null ? null : broker.bootstrapServers(),
                sim == null ? null : sim.baseUrl(),
                sim == null ? options.jvmOptsWithSimulator() : options.jvmOpts,
                options.extraEnv);
        phase.put("postgresMaintenance", database.maintenance());
        phase.put("orchestratorEnv", orch.maskedEnv());
        phase.put("orchestratorCommand", String.join(" ", orch.command));
        orch.start(Duration.ofMinutes(4));
        phase.put("heapAtStart", orch.heapAfterGc());
    }

    private List<String> seed() throws Exception {
        Seeder seeder = new Seeder(orch.graphBaseUrl);
        List<String> principals = seeder.seed(options.graphLatency.toMillis());
        phase.put("seed", seeder.report);
        return principals;
    }

    private Workload workload(List<String> principals) {
        LongFunction<Duration> duration = timers == null ? i -> Duration.ofHours(1) : timers.durations();
        return new Workload(
                principals, duration, closeOnActive, options instanceof Lifecycles l ? l.hold : Duration.ZERO);
    }

    /** Drives the workload through the topics and records the measured window's figures in the phase. */
    private void measure(Workload w) throws Exception {
        try (KafkaDriver driver = new KafkaDriver("orchestrator", orch.bootstrap, orch.mfaSecret, t);
                ThreadSampler sampler = options.sampler(orch.pid());
                Monitor monitor =
                        new Monitor(t, orch.bootstrap, database, "pimflow.ticket-events", "pimflow.mfa-responses")) {
            driver.start(Duration.ofSeconds(60));
            if (sampler != null) {
                phase.put("idleCpuBeforeLoad", idleCpu(sampler));
            }
            WindowMarks marks = new WindowMarks(orch.pid(), database, sampler, true);
            Workload.Run run = Workload.run(t, driver, w, plan, marks::atWarmEnd, () -> {
                marks.atSendEnd();
                if (timers != null) {
                    timers.atPeak(t, orch, phase);
                }
            });
            Results.fill(phase, t, run, plan, marks);
            phase.put("postgresMaintenance", database.maintenance());
            if (sampler != null) {
                phase.put("threads", sampler.result(10));
                if (marks.threads0 != null && marks.threads1 != null) {
                    phase.put("cpuByThreadGroup", cpuByThreadGroup(marks, run));
                }
            }
            phase.put("monitor", monitor.result());
            if (timers != null) {
                timers.fillTimers(phase, t);
            }
        }
    }

    private void driveCustom(List<String> principals) throws Exception {
        try (KafkaDriver driver = new KafkaDriver("orchestrator", orch.bootstrap, orch.mfaSecret, t);
                ThreadSampler sampler = options.sampler(orch.pid());
                Monitor monitor =
                        new Monitor(t, orch.bootstrap, database, "pimflow.ticket-events", "pimflow.mfa-responses")) {
            driver.start(Duration.ofSeconds(60));
            custom.drive(new Context(t, orch, database, driver, sampler, principals, phase));
            phase.put("postgresMaintenance", database.maintenance());
            phase.put("monitor", monitor.result());
        }
    }

    /** What the orchestrator burns with nothing to do (job acquisition, outbox polling, broker, metrics), over 10 s. */
    private Map<String, Object> idleCpu(ThreadSampler sampler) throws InterruptedException {
        Env.Cpu idle0 = Env.Cpu.now(orch.pid());
        Map<Long, Object[]> threads0 = sampler.cpuSnapshot();
        Thread.sleep(10_000);
        Env.Cpu idle1 = Env.Cpu.now(orch.pid());
        Map<String, Object> idle = new LinkedHashMap<>();
        idle.put("orchestratorCores", Env.round((idle1.orchestratorMs() - idle0.orchestratorMs()) / 1000.0 / 10.0));
        idle.put("byThreadGroup", ThreadSampler.cpuByThreadGroup(threads0, sampler.cpuSnapshot(), 10.0, 0, 6));
        return idle;
    }

    /**
     * The orchestrator's CPU in the measured window: the whole process, the JVM's internal share (process minus Java
     * threads), GC and JIT in the window, then by thread group.
     */
    private Map<String, Object> cpuByThreadGroup(WindowMarks marks, Workload.Run run) {
        Map<Long, Object[]> a = marks.threads0;
        Map<Long, Object[]> b = marks.threads1;
        double wall = (run.sendEnd() - run.warmEnd()) / 1e9;
        long done = t.countRevokedBetween(run.warmEnd(), run.sendEnd());
        Map<String, Object> byGroup = ThreadSampler.cpuByThreadGroup(a, b, wall, done, 15);
        long processMs = marks.cpu1.orchestratorMs() - marks.cpu0.orchestratorMs();
        long javaThreadsMs = 0;
        for (var e : b.entrySet()) {
            Object[] x = a.get(e.getKey());
            javaThreadsMs += ((Long) e.getValue()[1] - (x == null ? 0 : (Long) x[1])) / 1_000_000;
        }
        long internal = processMs - javaThreadsMs;
        Map<String, Object> cpuOut = new LinkedHashMap<>();
        cpuOut.put("wholeProcess", coresAndPerLifecycle(processMs, wall, done));
        cpuOut.put(
                "jvmInternal (GC, JIT compiler, VM threads: process minus Java threads)",
                coresAndPerLifecycle(internal, wall, done));
        if (marks.gcJit0 != null && marks.gcJit1 != null) {
            long[] g0 = marks.gcJit0;
            long[] g1 = marks.gcJit1;
            cpuOut.put("gcInWindow", (g1[0] - g0[0]) + " collections, " + (g1[1] - g0[1]) + " ms");
            cpuOut.put("jitCompilationInWindow", (g1[2] - g0[2]) + " ms (compiler threads' time)");
        }
        cpuOut.putAll(byGroup);
        return cpuOut;
    }

    private static String coresAndPerLifecycle(long ms, double wall, long done) {
        return String.format(
                Locale.ROOT, "%.2f cores, %.1f ms/lifecycle", ms / 1000.0 / wall, done > 0 ? (double) ms / done : 0.0);
    }

    private Map<String, Object> logSummary() {
        return Map.of(
                "file",
                orch.log.toString(),
                "warnLines",
                orch.logLines(" WARN "),
                "errorLines",
                orch.logLines(" ERROR "));
    }

    /** Stops the orchestrator and its dependencies; keeps only the orchestrator's log of the temp directory. */
    private void closeAll(Path tmp) throws Exception {
        if (orch != null) {
            orch.close();
        }
        if (sim != null) {
            sim.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (database != null) {
            database.close();
        }
        ScenarioOptions.cleanup(tmp, "orchestrator.log");
    }
}
