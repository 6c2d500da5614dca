package dev.pimflow.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The lifecycles scenario: each system in turn under the same load, then the result JSON and chart. */
@Command(
        name = "lifecycles",
        mixinStandardHelpOptions = true,
        description =
                "Sustained full lifecycles (request -> MFA -> active -> ticket closed -> revoked), orchestrator beside the "
                        + "engine floor and the plain pipeline, one after the other.")
final class Lifecycles extends ScenarioOptions implements Callable<Integer> {
    @Option(
            names = "--rate",
            description =
                    "activations per second, or 'max' (as fast as the system absorbs, bounded by --max-in-flight); default ${DEFAULT-VALUE}")
    String rate = "max";

    @Option(
            names = "--max-in-flight",
            description = "activations in flight at most; default 100 with --rate max, else 20000")
    Integer maxInFlight;

    @Option(names = "--duration", description = "measured sending time after the warm-up; default ${DEFAULT-VALUE}")
    Duration duration = Duration.ofSeconds(60);

    @Option(
            names = "--warmup",
            description = "sending time before the measurement (same load, not counted); default ${DEFAULT-VALUE}")
    Duration warmup = Duration.ofSeconds(20);

    @Option(
            names = "--drain",
            description = "how long to wait for the last lifecycles after sending stops; default ${DEFAULT-VALUE}")
    Duration drain = Duration.ofSeconds(90);

    @Option(
            names = "--hold",
            description = "how long a role stays active before its ticket closes; default ${DEFAULT-VALUE}")
    Duration hold = Duration.ZERO;

    @Option(names = "--systems", split = ",", description = "orchestrator, floor, pipeline; default ${DEFAULT-VALUE}")
    List<String> systems = List.of("orchestrator", "floor", "pipeline");

    @Option(
            names = "--deps",
            description = "embedded: the orchestrator runs its own broker and Graph simulator (the product's "
                    + "embedded default); bench: both run in the bench JVM; default ${DEFAULT-VALUE}")
    String deps = "embedded";

    @Option(
            names = "--floor-ingest-threads",
            description = "engine floor: threads taking ticket events and MFA responses each, "
                    + "like the orchestrator's listener concurrency; default ${DEFAULT-VALUE}")
    int floorIngestThreads = 3;

    @Option(names = "--pipeline-workers", description = "plain pipeline: worker threads; default ${DEFAULT-VALUE}")
    int pipelineWorkers = 4;

    @Override
    public Integer call() throws Exception {
        applySimulatorSettings();
        paceGraphWrites(0, null); // beyond Graph's quota: the orchestrator's own ceiling
        Workload.Plan plan = plan();
        Map<String, Object> result = Results.header("lifecycles");
        result.put("settings", settings(plan));
        List<Map<String, Object>> phases = new ArrayList<>();
        result.put("phases", phases);
        for (String system : systems) {
            System.out.printf("[bench] === %s, %s, rate %s ===%n", system, db, rate);
            Map<String, Object> phase = runPhase(system, plan);
            phases.add(phase);
            System.out.println("[bench] " + system + ": " + Results.JSON.writeValueAsString(phase.get("throughput")));
        }
        result.put("comparison", Results.compare(phases));
        String name = resultName("lifecycles", isMax() ? "max" : rate + "ps");
        Results.write(out, name, result);
        ResultCharts.lifecycles(
                out.resolve(name + ".png"),
                "lifecycles, " + db + ", rate " + rate + " ("
                        + Env.machine(Env.javaCommand()).get("nproc") + " cores, shared machine)",
                phases);
        System.out.println("[bench] wrote " + out.resolve(name + ".json") + " and .png");
        return 0;
    }

    private boolean isMax() {
        return rate.equalsIgnoreCase("max");
    }

    private Workload.Plan plan() {
        boolean max = isMax();
        double r = max ? 0 : Double.parseDouble(rate);
        return new Workload.Plan(
                r, maxInFlight != null ? maxInFlight : (max ? 100 : 20000), warmup, duration, 0, drain);
    }

    private Map<String, Object> settings(Workload.Plan plan) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("db", db);
        settings.put(
                "rate",
                isMax()
                        ? "max (closed loop, " + plan.maxInFlight() + " in flight at most)"
                        : plan.rate() + "/s (open loop)");
        settings.put("warmup", warmup.toString());
        settings.put("duration", duration.toString());
        settings.put("hold", hold.toString());
        settings.put("deps", deps);
        settings.put("orchestratorJvmOpts", jvmOpts);
        settings.put("orchestratorExtraEnv", extraEnv);
        settings.put("simulatorNodelay", simulatorNodelay);
        settings.put("graphLatency", graphLatency.toString());
        settings.put("floorIngestThreads", floorIngestThreads);
        settings.put("pipelineWorkers", pipelineWorkers);
        return settings;
    }

    private Map<String, Object> runPhase(String system, Workload.Plan plan) throws Exception {
        return switch (system) {
            case "orchestrator" -> OrchestratorPhase.run(this, plan, deps, true, null);
            case "floor" -> ReferencePhases.floor(this, plan);
            case "pipeline" -> ReferencePhases.pipeline(this, plan);
            default -> throw new IllegalArgumentException("unknown system " + system);
        };
    }
}
