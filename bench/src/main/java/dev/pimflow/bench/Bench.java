package dev.pimflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pimflow.contracts.Reason;
import dev.pimflow.pim.simulator.GraphSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * pimflow-bench: drives a packaged orchestrator through its topics (as a ticket system and an MFA gateway would) and
 * measures it beside two references taken in the same run: the engine floor (standalone Camunda, same process shape,
 * no-op delegates) and the plain pipeline (Kafka consumer + Graph calls, no Camunda). Writes
 * bench/results/&lt;date&gt;-&lt;scenario&gt;.json and .png. Figures, not assertions: nothing here fails on a threshold.
 */
@Command(
        name = "pimflow-bench",
        mixinStandardHelpOptions = true,
        subcommands = {Bench.Lifecycles.class, Bench.Timers.class, Summary.class},
        description = "Load generator and measurements for pimflow (see bench/README.md).")
public final class Bench {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.camunda", "error");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        System.setProperty("org.slf4j.simpleLogger.log.kafka", "error");
        System.setProperty("org.slf4j.simpleLogger.log.state.change.logger", "error");
        System.setProperty("java.awt.headless", "true");
        int code = new CommandLine(new Bench())
                .registerConverter(Duration.class, Bench::duration)
                .execute(args);
        System.exit(code);
    }

    static Duration duration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(s.toUpperCase(Locale.ROOT));
        }
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofSeconds(Long.parseLong(t));
        };
    }

    /** Options every scenario has. */
    static class Common {
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

        @Option(
                names = "--orchestrator-env",
                description = "extra environment of the orchestrator, KEY=VALUE (repeatable)")
        Map<String, String> extraEnv = new LinkedHashMap<>();

        @Option(names = "--keep-db", description = "keep the PostgreSQL databases afterwards")
        boolean keepDb;

        @Option(names = "--label", description = "appended to the result file names")
        String label;

        @Option(
                names = "--sample-interval",
                description =
                        "interval of the thread sampler of the system under test (0 = off); default ${DEFAULT-VALUE}")
        Duration sampleInterval = Duration.ofMillis(100);

        @Option(
                names = "--simulator-nodelay",
                negatable = true,
                description =
                        "TCP_NODELAY on the Graph simulator's JDK HTTP server "
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

        Path tmp() throws Exception {
            return Files.createTempDirectory("pimflow-bench-");
        }

        String stamp() {
            return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
        }
    }

    // ==================================================================== lifecycles

    @Command(
            name = "lifecycles",
            mixinStandardHelpOptions = true,
            description =
                    "Sustained full lifecycles (request -> MFA -> active -> ticket closed -> revoked), orchestrator beside the "
                            + "engine floor and the plain pipeline, one after the other.")
    static final class Lifecycles extends Common implements Callable<Integer> {
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

        @Option(
                names = "--systems",
                split = ",",
                description = "orchestrator, floor, pipeline; default ${DEFAULT-VALUE}")
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
            boolean max = rate.equalsIgnoreCase("max");
            double r = max ? 0 : Double.parseDouble(rate);
            Workload.Plan plan = new Workload.Plan(
                    r, maxInFlight != null ? maxInFlight : (max ? 100 : 20000), warmup, duration, 0, drain);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("scenario", "lifecycles");
            result.put("date", LocalDateTime.now().toString());
            result.put(
                    "command",
                    "java -jar bench/target/pimflow-bench.jar "
                            + String.join(
                                    " ",
                                    ProcessHandle.current()
                                            .info()
                                            .arguments()
                                            .map(a -> Arrays.asList(a)
                                                    .subList(
                                                            Math.max(
                                                                    0,
                                                                    Arrays.asList(a)
                                                                            .indexOf("lifecycles")),
                                                            a.length))
                                            .orElse(List.of())));
            result.put("machine", Env.machine(Env.javaCommand()));
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("db", db);
            settings.put(
                    "rate",
                    max ? "max (closed loop, " + plan.maxInFlight() + " in flight at most)" : r + "/s (open loop)");
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
            result.put("settings", settings);
            List<Map<String, Object>> phases = new ArrayList<>();
            result.put("phases", phases);
            for (String system : systems) {
                System.out.printf("[bench] === %s, %s, rate %s ===%n", system, db, rate);
                Map<String, Object> phase = switch (system) {
                    case "orchestrator" -> orchestrator(this, plan, deps, true, null);
                    case "floor" -> floor(plan);
                    case "pipeline" -> pipeline(plan);
                    default -> throw new IllegalArgumentException("unknown system " + system);
                };
                phases.add(phase);
                System.out.println("[bench] " + system + ": " + JSON.writeValueAsString(phase.get("throughput")));
            }
            result.put("comparison", compare(phases));
            String name = stamp() + "-lifecycles-" + db + "-" + (max ? "max" : rate + "ps")
                    + (label == null ? "" : "-" + label);
            write(out, name, result);
            chartLifecycles(
                    out.resolve(name + ".png"),
                    "lifecycles, " + db + ", rate " + rate + " ("
                            + Env.machine(Env.javaCommand()).get("nproc") + " cores, shared machine)",
                    phases);
            System.out.println("[bench] wrote " + out.resolve(name + ".json") + " and .png");
            return 0;
        }

        private Map<String, Object> floor(Workload.Plan plan) throws Exception {
            Path tmp = tmp();
            Tracker t = new Tracker();
            Workload w = new Workload(
                    List.of(Workload.ALINE, Workload.ADMIN, Workload.BOB), i -> Duration.ofHours(1), true, hold);
            Map<String, Object> phase = new LinkedHashMap<>();
            phase.put("system", "engine-floor");
            phase.put("loadBefore", Env.loadAverage());
            phase.put("cpuCalibrationMsBefore", Env.cpuCalibrationMs());
            try (Database database = Database.create(db, tmp, "floor", keepDb);
                    EngineFloor floor = new EngineFloor(database, t, floorIngestThreads);
                    ThreadSampler sampler =
                            sampleInterval.isZero() ? null : new ThreadSampler(-1, sampleInterval.toMillis())) {
                phase.put("engineSettings", floor.settings);
                phase.put("postgresMaintenance", database.maintenance());
                Object[] marks = new Object[4];
                Workload.Run run = Workload.run(
                        t,
                        floor,
                        w,
                        plan,
                        () -> {
                            marks[0] = Env.Cpu.now(-1);
                            marks[1] = database.pgStats();
                            if (sampler != null) {
                                sampler.resume();
                            }
                        },
                        () -> {
                            marks[2] = Env.Cpu.now(-1);
                            marks[3] = database.pgStats();
                            if (sampler != null) {
                                sampler.pause();
                            }
                        });
                fill(
                        phase,
                        t,
                        run,
                        plan,
                        (Env.Cpu) marks[0],
                        (Env.Cpu) marks[2],
                        castStats(marks[1]),
                        castStats(marks[3]));
                phase.put("postgresMaintenance", database.maintenance());
                if (sampler != null) {
                    phase.put("threads", sampler.result(8));
                }
            } finally {
                cleanup(tmp);
            }
            phase.put("loadAfter", Env.loadAverage());
            return phase;
        }

        private Map<String, Object> pipeline(Workload.Plan plan) throws Exception {
            Path tmp = tmp();
            Tracker t = new Tracker();
            Map<String, Object> phase = new LinkedHashMap<>();
            phase.put("system", "plain-pipeline");
            phase.put("loadBefore", Env.loadAverage());
            phase.put("cpuCalibrationMsBefore", Env.cpuCalibrationMs());
            String secret = "bench-plain-pipeline-secret-0123456789abcdef";
            try (BenchBroker broker = new BenchBroker(tmp.resolve("kafka"));
                    GraphSimulator sim = GraphSimulator.start(0)) {
                broker.createTopics();
                Seeder seeder = new Seeder(sim.baseUrl());
                List<String> principals = seeder.seed(graphLatency.toMillis());
                phase.put("seed", seeder.report);
                Workload w = new Workload(principals, i -> Duration.ofHours(1), true, hold);
                try (PlainPipeline pipeline = new PlainPipeline(
                                        broker.bootstrapServers(), sim.baseUrl(), secret, pipelineWorkers)
                                .start();
                        KafkaDriver driver = new KafkaDriver("plain-pipeline", broker.bootstrapServers(), secret, t);
                        ThreadSampler sampler =
                                sampleInterval.isZero() ? null : new ThreadSampler(-1, sampleInterval.toMillis())) {
                    KafkaDriver.awaitGroups(
                            broker.bootstrapServers(),
                            List.of("plain.ticket-events", "plain.mfa-responses"),
                            Duration.ofSeconds(60));
                    driver.start(Duration.ofSeconds(60));
                    phase.put("workers", pipelineWorkers);
                    Object[] marks = new Object[2];
                    Workload.Run run = Workload.run(
                            t,
                            driver,
                            w,
                            plan,
                            () -> {
                                marks[0] = Env.Cpu.now(-1);
                                if (sampler != null) {
                                    sampler.resume();
                                }
                            },
                            () -> {
                                marks[1] = Env.Cpu.now(-1);
                                if (sampler != null) {
                                    sampler.pause();
                                }
                            });
                    fill(phase, t, run, plan, (Env.Cpu) marks[0], (Env.Cpu) marks[1], Map.of(), Map.of());
                    phase.put("pipelineErrors", pipeline.errors.get());
                    if (sampler != null) {
                        phase.put("threads", sampler.result(8));
                    }
                }
            } finally {
                cleanup(tmp);
            }
            phase.put("loadAfter", Env.loadAverage());
            return phase;
        }
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

    @SuppressWarnings("unchecked")
    static Map<String, Long> castStats(Object o) {
        return o == null ? Map.of() : (Map<String, Long>) o;
    }

    /**
     * Runs the orchestrator phase. For the timer scenario (timers != null) the workload never closes tickets and the
     * heap is measured at the peak of active activations.
     */
    static Map<String, Object> orchestrator(
            Common c, Workload.Plan plan, String deps, boolean closeOnActive, Timers timers) throws Exception {
        Path tmp = c.tmp();
        Tracker t = new Tracker();
        Map<String, Object> phase = new LinkedHashMap<>();
        phase.put("system", "orchestrator");
        phase.put("loadBefore", Env.loadAverage());
        phase.put("cpuCalibrationMsBefore", Env.cpuCalibrationMs());
        BenchBroker broker = null;
        GraphSimulator sim = null;
        Database database = null;
        OrchestratorProcess orch = null;
        try {
            database = c.db.equals("h2")
                    ? Database.h2(tmp.resolve("orchestrator").resolve("data"))
                    : Database.create(c.db, tmp, "orch", c.keepDb);
            if (deps.equals("bench")) {
                broker = new BenchBroker(tmp.resolve("kafka"));
                broker.createTopics();
                sim = GraphSimulator.start(0);
            } else if (!deps.equals("embedded")) {
                throw new IllegalArgumentException("--deps must be embedded or bench");
            }
            orch = new OrchestratorProcess(
                    c.jar.toAbsolutePath(),
                    tmp.resolve("orchestrator"),
                    database,
                    broker == null ? null : broker.bootstrapServers(),
                    sim == null ? null : sim.baseUrl(),
                    sim == null ? c.jvmOptsWithSimulator() : c.jvmOpts,
                    c.extraEnv);
            phase.put("postgresMaintenance", database.maintenance());
            phase.put("orchestratorEnv", orch.maskedEnv());
            phase.put("orchestratorCommand", String.join(" ", orch.command));
            orch.start(Duration.ofMinutes(4));
            phase.put("heapAtStart", orch.heapAfterGc());
            Seeder seeder = new Seeder(orch.graphBaseUrl);
            List<String> principals = seeder.seed(c.graphLatency.toMillis());
            phase.put("seed", seeder.report);
            KafkaDriver.awaitTopics(orch.bootstrap, Duration.ofSeconds(60));
            KafkaDriver.awaitGroups(
                    orch.bootstrap, List.of("pimflow.ticket-events", "pimflow.mfa-responses"), Duration.ofSeconds(90));
            LongFunction<Duration> duration = timers == null ? i -> Duration.ofHours(1) : timers.durations();
            Workload w = new Workload(
                    principals, duration, closeOnActive, c instanceof Lifecycles l ? l.hold : Duration.ZERO);
            final OrchestratorProcess o = orch;
            final Database d = database;
            try (KafkaDriver driver = new KafkaDriver("orchestrator", orch.bootstrap, orch.mfaSecret, t);
                    ThreadSampler sampler = c.sampleInterval.isZero()
                            ? null
                            : new ThreadSampler(orch.pid(), c.sampleInterval.toMillis());
                    Monitor monitor =
                            new Monitor(t, orch.bootstrap, d, "pimflow.ticket-events", "pimflow.mfa-responses")) {
                driver.start(Duration.ofSeconds(60));
                if (sampler != null) {
                    // what the orchestrator burns with nothing to do (job acquisition, outbox polling, broker, metrics)
                    Env.Cpu idle0 = Env.Cpu.now(o.pid());
                    Map<Long, Object[]> threads0 = sampler.cpuSnapshot();
                    Thread.sleep(10_000);
                    Env.Cpu idle1 = Env.Cpu.now(o.pid());
                    Map<String, Object> idle = new LinkedHashMap<>();
                    idle.put(
                            "orchestratorCores",
                            Env.round((idle1.orchestratorMs() - idle0.orchestratorMs()) / 1000.0 / 10.0));
                    idle.put(
                            "byThreadGroup",
                            ThreadSampler.cpuByThreadGroup(threads0, sampler.cpuSnapshot(), 10.0, 0, 6));
                    phase.put("idleCpuBeforeLoad", idle);
                }
                Object[] marks = new Object[6];
                long[][] gcJit = new long[2][];
                Workload.Run run = Workload.run(
                        t,
                        driver,
                        w,
                        plan,
                        () -> {
                            marks[0] = Env.Cpu.now(o.pid());
                            marks[1] = d.pgStats();
                            if (sampler != null) {
                                marks[4] = sampler.cpuSnapshot();
                                gcJit[0] = sampler.gcAndJit();
                                sampler.resume();
                            }
                        },
                        () -> {
                            marks[2] = Env.Cpu.now(o.pid());
                            marks[3] = d.pgStats();
                            if (sampler != null) {
                                sampler.pause();
                                marks[5] = sampler.cpuSnapshot();
                                gcJit[1] = sampler.gcAndJit();
                            }
                            if (timers != null) {
                                timers.atPeak(t, o, phase);
                            }
                        });
                fill(
                        phase,
                        t,
                        run,
                        plan,
                        (Env.Cpu) marks[0],
                        (Env.Cpu) marks[2],
                        castStats(marks[1]),
                        castStats(marks[3]));
                phase.put("postgresMaintenance", database.maintenance());
                if (sampler != null) {
                    phase.put("threads", sampler.result(10));
                    if (marks[4] != null && marks[5] != null) {
                        @SuppressWarnings("unchecked")
                        Map<Long, Object[]> a = (Map<Long, Object[]>) marks[4];
                        @SuppressWarnings("unchecked")
                        Map<Long, Object[]> b = (Map<Long, Object[]>) marks[5];
                        double wall = (run.sendEnd() - run.warmEnd()) / 1e9;
                        long done = t.countRevokedBetween(run.warmEnd(), run.sendEnd());
                        Map<String, Object> byGroup = ThreadSampler.cpuByThreadGroup(a, b, wall, done, 15);
                        long processMs = ((Env.Cpu) marks[2]).orchestratorMs() - ((Env.Cpu) marks[0]).orchestratorMs();
                        long javaThreadsMs = 0;
                        for (var e : b.entrySet()) {
                            Object[] x = a.get(e.getKey());
                            javaThreadsMs += ((Long) e.getValue()[1] - (x == null ? 0 : (Long) x[1])) / 1_000_000;
                        }
                        long internal = processMs - javaThreadsMs;
                        Map<String, Object> cpuOut = new LinkedHashMap<>();
                        cpuOut.put(
                                "wholeProcess",
                                String.format(
                                        Locale.ROOT,
                                        "%.2f cores, %.1f ms/lifecycle",
                                        processMs / 1000.0 / wall,
                                        done > 0 ? (double) processMs / done : 0.0));
                        cpuOut.put(
                                "jvmInternal (GC, JIT compiler, VM threads: process minus Java threads)",
                                String.format(
                                        Locale.ROOT,
                                        "%.2f cores, %.1f ms/lifecycle",
                                        internal / 1000.0 / wall,
                                        done > 0 ? (double) internal / done : 0.0));
                        if (gcJit[0] != null && gcJit[1] != null) {
                            cpuOut.put(
                                    "gcInWindow",
                                    (gcJit[1][0] - gcJit[0][0]) + " collections, " + (gcJit[1][1] - gcJit[0][1])
                                            + " ms");
                            cpuOut.put(
                                    "jitCompilationInWindow",
                                    (gcJit[1][2] - gcJit[0][2]) + " ms (compiler threads' time)");
                        }
                        cpuOut.putAll(byGroup);
                        phase.put("cpuByThreadGroup", cpuOut);
                    }
                }
                phase.put("monitor", monitor.result());
                if (timers != null) {
                    timers.fillTimers(phase, t);
                }
            }
            phase.put("heapAfterRun", orch.heapAfterGc());
            phase.put(
                    "orchestratorLog",
                    Map.of(
                            "file",
                            orch.log.toString(),
                            "warnLines",
                            orch.logLines(" WARN "),
                            "errorLines",
                            orch.logLines(" ERROR ")));
        } finally {
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
            cleanup(tmp, "orchestrator.log");
        }
        phase.put("loadAfter", Env.loadAverage());
        return phase;
    }

    /**
     * Samples, once a second, how far the system's consumers lag and (PostgreSQL) the outbox, executable-job and
     * audit-chainer backlogs ({@code audit_pending}: records committed by their steps but not yet chained; -1 where the
     * table does not exist, as for the engine floor).
     */
    static final class Monitor implements AutoCloseable {
        private final List<long[]> rows = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        Monitor(Tracker t, String bootstrap, Database db, String ticketGroup, String mfaGroup) {
            thread = new Thread(
                    () -> {
                        try (Admin admin = KafkaDriver.admin(bootstrap)) {
                            while (running) {
                                long s = (long) t.seconds(System.nanoTime());
                                long ticketLag = KafkaDriver.lag(admin, ticketGroup, "tickets.events");
                                long mfaLag = KafkaDriver.lag(admin, mfaGroup, "pim.mfa.responses");
                                long outbox = db.count("SELECT COUNT(*) FROM outbox");
                                long jobs = db.count(
                                        "SELECT COUNT(*) FROM act_ru_job WHERE (duedate_ IS NULL OR duedate_ <= now()) AND retries_ > 0");
                                long auditPending = db.count("SELECT COUNT(*) FROM audit_pending");
                                synchronized (rows) {
                                    rows.add(new long[] {
                                        s, ticketLag, mfaLag, outbox, jobs, t.activeNow.get(), auditPending
                                    });
                                }
                                Thread.sleep(1000);
                            }
                        } catch (InterruptedException ignored) {
                            // stopped
                        }
                    },
                    "bench-monitor");
            thread.setDaemon(true);
            thread.start();
        }

        Map<String, Object> result() {
            Map<String, Object> m = new LinkedHashMap<>();
            synchronized (rows) {
                m.put(
                        "columns",
                        List.of(
                                "second",
                                "ticketEventsLag",
                                "mfaResponsesLag",
                                "outboxRows(pg)",
                                "executableJobs(pg)",
                                "activeSeen",
                                "auditPending(pg)"));
                long[] maxes = new long[7];
                for (long[] r : rows) {
                    for (int i = 1; i < 7; i++) {
                        maxes[i] = Math.max(maxes[i], r[i]);
                    }
                }
                m.put(
                        "max",
                        Map.of(
                                "ticketEventsLag",
                                maxes[1],
                                "mfaResponsesLag",
                                maxes[2],
                                "outboxRows",
                                maxes[3],
                                "executableJobs",
                                maxes[4],
                                "auditPending",
                                maxes[6]));
                m.put("perSecond", new ArrayList<>(rows));
            }
            return m;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(3000);
        }
    }

    /** Throughput over the measured window, latency percentiles of the activations requested in it, CPU and database work. */
    static void fill(
            Map<String, Object> phase,
            Tracker t,
            Workload.Run run,
            Workload.Plan plan,
            Env.Cpu cpu0,
            Env.Cpu cpu1,
            Map<String, Long> pg0,
            Map<String, Long> pg1) {
        double window = (run.sendEnd() - run.warmEnd()) / 1e9;
        long requestedInWindow = t.all().stream()
                .filter(r -> r.requested >= run.warmEnd() && r.requested < run.sendEnd())
                .count();
        long revokedInWindow = t.countRevokedBetween(run.warmEnd(), run.sendEnd());
        long revokedTotal = t.all().stream().filter(r -> r.revoked != 0).count();
        Map<String, Object> tp = new LinkedHashMap<>();
        tp.put("windowSeconds", Env.round(window));
        tp.put("requestsSentPerSecond", Env.round(requestedInWindow / window));
        tp.put("lifecyclesCompletedPerSecond", Env.round(revokedInWindow / window));
        tp.put("sentTotal", run.sent());
        tp.put("revokedTotal", revokedTotal);
        tp.put("failedTotal", t.failures.get());
        tp.put("notFinishedAfterDrain", t.outstanding.get());
        tp.put("drainSeconds", Env.round((run.drainEnd() - run.sendEnd()) / 1e9));
        tp.put("peakActive", t.peakActive.get());
        phase.put("throughput", tp);
        if (!t.failureReasons.isEmpty()) {
            phase.put("failures", t.failureSummary());
        }
        Map<String, Object> lat = new LinkedHashMap<>();
        t.histograms(r -> r.requested >= run.warmEnd() && r.requested < run.sendEnd())
                .forEach((k, h) -> lat.put(k, Tracker.summary(h)));
        phase.put("latency", lat);
        if (cpu0 != null && cpu1 != null) {
            phase.put("cpu", cpu1.since(cpu0, revokedInWindow));
        }
        if (!pg0.isEmpty() && !pg1.isEmpty()) {
            phase.put("postgres", Database.perLifecycle(pg0, pg1, revokedInWindow));
        }
        int seconds = (int) Math.ceil(t.seconds(run.drainEnd())) + 1;
        Map<String, Object> tl = new LinkedHashMap<>();
        tl.put("warmupEndsAtSecond", Env.round(t.seconds(run.warmEnd())));
        tl.put("sendingEndsAtSecond", Env.round(t.seconds(run.sendEnd())));
        tl.put("perSecond", t.timeline(seconds));
        phase.put("timeline", tl);
    }

    static Map<String, Object> compare(List<Map<String, Object>> phases) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Double> tput = new LinkedHashMap<>();
        for (Map<String, Object> p : phases) {
            @SuppressWarnings("unchecked")
            Map<String, Object> tp = (Map<String, Object>) p.get("throughput");
            tput.put((String) p.get("system"), ((Number) tp.get("lifecyclesCompletedPerSecond")).doubleValue());
        }
        m.put("lifecyclesPerSecond", tput);
        Double o = tput.get("orchestrator");
        Double f = tput.get("engine-floor");
        Double pl = tput.get("plain-pipeline");
        if (o != null && f != null && f > 0) {
            m.put("orchestratorOverEngineFloor", Env.round(o / f));
        }
        if (o != null && pl != null && pl > 0) {
            m.put("orchestratorOverPlainPipeline", Env.round(o / pl));
        }
        return m;
    }

    static void write(Path out, String name, Map<String, Object> result) throws Exception {
        Files.createDirectories(out);
        JSON.writeValue(out.resolve(name + ".json").toFile(), result);
    }

    @SuppressWarnings("unchecked")
    static void chartLifecycles(Path file, String title, List<Map<String, Object>> phases) throws Exception {
        Chart chart = new Chart("pimflow-bench " + title);
        List<Chart.Series> series = new ArrayList<>();
        int ci = 0;
        for (Map<String, Object> p : phases) {
            Map<String, long[]> per = (Map<String, long[]>) ((Map<String, Object>) p.get("timeline")).get("perSecond");
            series.add(series(p.get("system") + " revoked/s", per.get("revoked"), Chart.PALETTE[ci], false));
            series.add(series(p.get("system") + " requested/s", per.get("requested"), Chart.PALETTE[ci], true));
            ci++;
        }
        chart.lines(
                "Throughput over time (solid: lifecycles completed per second; dashed: requests sent per second)",
                "seconds since the phase started",
                "per second",
                series,
                false);
        List<String> stages = List.of(
                "request->challenge", "approval->active", "close->revoked", "request->revoked (whole lifecycle)");
        for (String pct : List.of("p50ms", "p99ms")) {
            Map<String, double[]> groups = Chart.map();
            for (Map<String, Object> p : phases) {
                Map<String, Object> lat = (Map<String, Object>) p.get("latency");
                double[] v = new double[stages.size()];
                for (int i = 0; i < stages.size(); i++) {
                    Object x = ((Map<String, Object>) lat.get(stages.get(i))).get(pct);
                    v[i] = x == null ? 0 : ((Number) x).doubleValue();
                }
                groups.put((String) p.get("system"), v);
            }
            chart.bars(
                    "Latency " + pct.replace("ms", "") + " by stage (ms, log scale; measured window only)",
                    "ms",
                    stages,
                    groups);
        }
        chart.write(file);
    }

    static Chart.Series series(String name, long[] perSecond, java.awt.Color color, boolean dashed) {
        double[] x = new double[perSecond.length];
        double[] y = new double[perSecond.length];
        for (int i = 0; i < perSecond.length; i++) {
            x[i] = i;
            y[i] = perSecond[i];
        }
        return new Chart.Series(name, x, y, color, dashed, false);
    }

    // ==================================================================== timers

    @Command(
            name = "timers",
            mixinStandardHelpOptions = true,
            description =
                    "N activations active at once whose ends are spread over a window: revocation lag after the end time, "
                            + "and the orchestrator's heap after GC at the peak.")
    static final class Timers extends Common implements Callable<Integer> {
        @Option(
                names = "--active",
                description = "activations active at once (the issue: 100000); default ${DEFAULT-VALUE}")
        int active = 2000;

        @Option(
                names = "--window",
                description = "the ends are spread evenly over this window (the issue: 10m); default ${DEFAULT-VALUE}")
        Duration window = Duration.ofMinutes(2);

        @Option(names = "--rate", description = "activations per second while building up; default ${DEFAULT-VALUE}")
        double rate = 50;

        @Option(
                names = "--margin",
                description =
                        "time between the planned end of the build-up and the first end; default ${DEFAULT-VALUE}")
        Duration margin = Duration.ofSeconds(30);

        @Option(
                names = "--deps",
                description = "bench (default: broker and Graph simulator in the bench JVM, so the orchestrator's heap "
                        + "is its own) or embedded")
        String deps = "bench";

        private long firstEndEpochMs;

        LongFunction<Duration> durations() {
            firstEndEpochMs = System.currentTimeMillis() + (long) (active / rate * 1000) + margin.toMillis() + 20_000;
            return i -> {
                long end = firstEndEpochMs + window.toMillis() * i / Math.max(1, active - 1);
                return Duration.ofMillis(Math.max(5_000, end - System.currentTimeMillis()));
            };
        }

        void atPeak(Tracker t, OrchestratorProcess o, Map<String, Object> phase) {
            // wait (up to the first end) for the last approvals to turn into active roles, then take the heap
            while (t.activeNow.get() + t.failures.get() < t.all().size()
                    && System.currentTimeMillis() < firstEndEpochMs - 5000) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Map<String, Object> peak = new LinkedHashMap<>();
            peak.put("activeSeen", t.activeNow.get());
            peak.put("secondsBeforeFirstEnd", Env.round((firstEndEpochMs - System.currentTimeMillis()) / 1000.0));
            long g = System.nanoTime();
            peak.putAll(o.heapAfterGc());
            peak.put("measureSeconds", Env.round((System.nanoTime() - g) / 1e9));
            phase.put("heapAtPeak", peak);
            System.out.println("[bench] heap at peak: " + peak);
        }

        void fillTimers(Map<String, Object> phase, Tracker t) {
            Histogram seen = new Histogram(3);
            Histogram stamped = new Histogram(3);
            long early = 0;
            long expired = 0;
            long otherReason = 0;
            List<double[]> points = new ArrayList<>();
            for (Tracker.Rec r : t.all()) {
                if (r.revoked == 0 || r.endEpochMs == 0) {
                    continue;
                }
                if (!Reason.EXPIRED.is(r.revokeReason)) {
                    otherReason++;
                    continue;
                }
                expired++;
                long lagMs = t.epochMs(r.revoked) - r.endEpochMs;
                if (lagMs < 0) {
                    early++;
                }
                seen.recordValue(Math.max(1, lagMs * 1000));
                stamped.recordValue(Math.max(1, (r.revokedEpochMs - r.endEpochMs) * 1000));
                points.add(new double[] {(r.endEpochMs - firstEndEpochMs) / 1000.0, lagMs});
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(
                    "planned",
                    Map.of("active", active, "window", window.toString(), "rate", rate, "margin", margin.toString()));
            m.put("revokedExpired", expired);
            m.put("revokedOtherReason", otherReason);
            m.put("revokedBeforeEnd", early);
            m.put("lagSeenByBench", Tracker.summary(seen));
            m.put("lagByOrchestratorRevokedAt", Tracker.summary(stamped));
            phase.put("timers", m);
            phase.put("lagPoints", points);
        }

        @Override
        public Integer call() throws Exception {
            applySimulatorSettings();
            Workload.Plan plan = new Workload.Plan(
                    rate,
                    active + 10,
                    Duration.ZERO,
                    Duration.ofDays(1),
                    active,
                    Duration.ofMillis((long) (active / rate * 1000) + margin.toMillis() + window.toMillis() + 300_000));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("scenario", "timers");
            result.put("date", LocalDateTime.now().toString());
            result.put(
                    "command",
                    "java -jar bench/target/pimflow-bench.jar "
                            + String.join(
                                    " ",
                                    ProcessHandle.current()
                                            .info()
                                            .arguments()
                                            .map(a -> Arrays.asList(a)
                                                    .subList(
                                                            Math.max(
                                                                    0,
                                                                    Arrays.asList(a)
                                                                            .indexOf("timers")),
                                                            a.length))
                                            .orElse(List.of())));
            result.put("machine", Env.machine(Env.javaCommand()));
            result.put(
                    "settings",
                    Map.of(
                            "db",
                            db,
                            "active",
                            active,
                            "window",
                            window.toString(),
                            "rate",
                            rate,
                            "deps",
                            deps,
                            "orchestratorJvmOpts",
                            jvmOpts,
                            "simulatorNodelay",
                            simulatorNodelay,
                            "graphLatency",
                            graphLatency.toString()));
            Map<String, Object> phase = orchestrator(this, plan, deps, false, this);
            result.put("phases", List.of(phase));
            String name = stamp() + "-timers-" + db + "-" + active + "x" + window.toSeconds() + "s"
                    + (label == null ? "" : "-" + label);
            write(out, name, result);
            chartTimers(out.resolve(name + ".png"), phase);
            System.out.println("[bench] wrote " + out.resolve(name + ".json") + " and .png");
            return 0;
        }

        @SuppressWarnings("unchecked")
        void chartTimers(Path file, Map<String, Object> phase) throws Exception {
            Chart chart = new Chart("pimflow-bench timers, " + db + ": " + active + " activations, ends spread over "
                    + window.toSeconds() + " s (shared 2-core machine)");
            Map<String, long[]> per =
                    (Map<String, long[]>) ((Map<String, Object>) phase.get("timeline")).get("perSecond");
            long[] act = per.get("active");
            long[] rev = per.get("revoked");
            long[] live = new long[act.length];
            long run = 0;
            for (int i = 0; i < act.length; i++) {
                run += act[i] - rev[i];
                live[i] = run;
            }
            chart.lines(
                    "Active roles (seen by the bench) and revocations per second",
                    "seconds since the run started",
                    "count",
                    List.of(
                            series("active roles", live, Chart.PALETTE[0], false),
                            series("revoked/s", rev, Chart.PALETTE[1], false),
                            series("activated/s", act, Chart.PALETTE[2], true)),
                    false);
            List<double[]> pts = (List<double[]>) phase.get("lagPoints");
            double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = pts.stream().mapToDouble(p -> p[1]).toArray();
            chart.lines(
                    "Revocation lag: activation.revoked seen minus endDateTime (ms, log scale), by end time",
                    "end time, seconds after the first end",
                    "ms",
                    List.of(new Chart.Series("lag per activation", x, y, Chart.PALETTE[1], false, true)),
                    true);
            chart.write(file);
        }
    }
}
