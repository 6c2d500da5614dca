package dev.pimflow.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every scenario has, and what a scenario's phases take from them (temp directory, thread sampler). */
class ScenarioOptions {
    @Option(
            names = "--db",
            description =
                    "h2 (file in a temp dir) or postgres (a fresh database on 127.0.0.1:5432); default ${DEFAULT-VALUE}")
    String db = "h2";

    @Option(names = "--jar", description = "the packaged orchestrator; default ${DEFAULT-VALUE}")
    Path jar = Path.of("workflow/target/pimflow-workflow-0.1.0-SNAPSHOT.jar");

    @Option(names = "--out", description = "results directory; default ${DEFAULT-VALUE}")
    Path out = Path.of("bench/results");

    @Option(
            names = "--orchestrator-jvm-opts",
            description = "JVM options of the orchestrator (default none: the JVM's defaults)")
    String jvmOpts = "";

    @Option(names = "--orchestrator-env", description = "extra environment of the orchestrator, KEY=VALUE (repeatable)")
    Map<String, String> extraEnv = new LinkedHashMap<>();

    @Option(names = "--keep-db", description = "keep the PostgreSQL databases afterwards")
    boolean keepDb;

    @Option(names = "--label", description = "appended to the result file names")
    String label;

    @Option(
            names = "--sample-interval",
            description = "interval of the thread sampler of the system under test (0 = off); default ${DEFAULT-VALUE}")
    Duration sampleInterval = Duration.ofMillis(100);

    @Option(
            names = "--simulator-nodelay",
            negatable = true,
            description = "TCP_NODELAY on the Graph simulator's JDK HTTP server "
                    + "(-Dsun.net.httpserver.nodelay=true in whichever JVM runs it). Without it every call on a kept-alive connection "
                    + "stalls ~40 ms (Nagle + delayed ACK), an artefact of the test double; default ${DEFAULT-VALUE}")
    boolean simulatorNodelay = true;

    @Option(
            names = "--graph-latency",
            description = "added to every Graph call by the simulator (its fault switch), to model "
                    + "a real tenant's latency; default ${DEFAULT-VALUE}")
    Duration graphLatency = Duration.ZERO;

    String jvmOptsWithSimulator() {
        return simulatorNodelay ? ("-Dsun.net.httpserver.nodelay=true " + jvmOpts).trim() : jvmOpts;
    }

    void applySimulatorSettings() {
        System.setProperty("sun.net.httpserver.nodelay", Boolean.toString(simulatorNodelay));
    }

    /**
     * How the orchestrator paces its Graph writes (ADR 0006), unless {@code --orchestrator-env} says otherwise:
     * {@code writesPerWindow} per {@code window}, 0 = not paced. The lifecycle and timer scenarios measure the
     * orchestrator beyond Graph's quota (pacing off, the simulator's quota off); the quota scenario paces to the quota
     * the simulator enforces, as an operator sets it to Graph's.
     */
    void paceGraphWrites(int writesPerWindow, Duration window) {
        extraEnv.putIfAbsent("PIM_GRAPH_WRITES_PER_WINDOW", Integer.toString(writesPerWindow));
        if (writesPerWindow > 0) {
            extraEnv.putIfAbsent("PIM_GRAPH_WRITE_WINDOW", window.toString());
        }
    }

    Path tmp() throws Exception {
        return Files.createTempDirectory("pimflow-bench-");
    }

    String stamp() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
    }

    /** The result file's name: stamp, scenario, database, what was asked for, and the label if any. */
    String resultName(String scenario, String size) {
        return stamp() + "-" + scenario + "-" + db + "-" + size + (label == null ? "" : "-" + label);
    }

    /** The thread sampler of the process {@code pid} (-1: the bench JVM), or null when sampling is off. */
    ThreadSampler sampler(long pid) throws Exception {
        return sampleInterval.isZero() ? null : new ThreadSampler(pid, sampleInterval.toMillis());
    }

    /** This run's command line from the scenario's name on, as the result's "command". */
    static String commandLine(String scenario) {
        return "java -jar bench/target/pimflow-bench.jar "
                + String.join(
                        " ",
                        ProcessHandle.current()
                                .info()
                                .arguments()
                                .map(a -> Arrays.asList(a)
                                        .subList(Math.max(0, Arrays.asList(a).indexOf(scenario)), a.length))
                                .orElse(List.of()));
    }

    /** Removes a phase's temp directory (broker log, H2 files), keeping only files named in {@code keep}. */
    static void cleanup(Path dir, String... keep) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                if (Arrays.asList(keep).contains(p.getFileName().toString())) {
                    return;
                }
                try {
                    Files.deleteIfExists(p);
                } catch (Exception ignored) {
                    // a directory that still holds a kept file
                }
            });
        } catch (Exception ignored) {
            // already gone
        }
    }
}
