package dev.pimflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The quota scenario (issue "Graph's quota is the ceiling"): the Graph simulator's quota on, N activations active,
 * then their tickets close within a minute while new requests keep arriving. Measures how fast and in which order the
 * revocations go out against the write quota, what the orchestrator sent during a running Retry-After (the
 * simulator's own count), whether anything failed or became an incident, how long new activations waited, and
 * ticket.closed -> activation.revoked against what the quota allows.
 */
@Command(
        name = "quota",
        mixinStandardHelpOptions = true,
        description = "Graph's write quota on: N activations active, their tickets close within a minute while new "
                + "requests keep arriving; revocation rate and order against the quota, calls during Retry-After, "
                + "incidents, new activations' wait, close->revoked against what the quota allows.")
final class QuotaScenario extends ScenarioOptions implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--active",
            description = "activations active before the burst (the issue: 5000); default ${DEFAULT-VALUE}")
    int active = 5000;

    @Option(
            names = "--seed-rate",
            description = "requests per second while building up the active activations; default ${DEFAULT-VALUE}")
    double seedRate = 20;

    @Option(
            names = "--seed-quota",
            negatable = true,
            description = "the quota is on while seeding too (default ${DEFAULT-VALUE}: so the write window is in "
                    + "its steady state when the burst starts); --no-seed-quota seeds without it and turns it on "
                    + "(empty windows) just before the burst")
    boolean seedQuota = true;

    @Option(
            names = "--close-window",
            description =
                    "the seeded tickets close evenly over this window, in seeding order; default ${DEFAULT-VALUE}")
    Duration closeWindow = Duration.ofSeconds(60);

    @Option(
            names = "--new-rate",
            description = "new requests per second from the start of the burst; default ${DEFAULT-VALUE}")
    double newRate = 5;

    @Option(
            names = "--new-for",
            description = "how long new requests keep arriving (from the start of the burst); default ${DEFAULT-VALUE}")
    Duration newFor = Duration.ofSeconds(540);

    @Option(
            names = "--hold",
            description = "a new request's ticket closes this long after its role is active; default ${DEFAULT-VALUE}")
    Duration hold = Duration.ZERO;

    @Option(
            names = "--role-duration",
            description =
                    "the duration every request asks for (the seeded role allows up to PT8H); default ${DEFAULT-VALUE}")
    Duration roleDuration = Duration.ofHours(8);

    @Option(names = "--writes-per-window", description = "the simulator's write quota; default ${DEFAULT-VALUE}")
    int writesPerWindow = 3000;

    @Option(names = "--write-window", description = "the write quota's window; default ${DEFAULT-VALUE}")
    Duration writeWindow = Duration.ofSeconds(150);

    @Option(
            names = "--drain",
            description =
                    "after the last new request, wait at most this long for the last lifecycles; default ${DEFAULT-VALUE}")
    Duration drain = Duration.ofSeconds(180);

    @Option(
            names = "--deps",
            description = "embedded (default: the orchestrator's own broker and Graph simulator, the product's "
                    + "default) or bench")
    String deps = "embedded";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Moments of the run (System.nanoTime). */
    private long seedStart;

    private long seedEnd;
    private long burstStart;
    private long sendEnd;
    /** Per ticket, when the orchestrator consumed its ticket.closed (inbound_event.received_at, epoch ms). */
    private Map<String, Long> receivedAt = Map.of();

    @Override
    public Integer call() throws Exception {
        if (active < 1 || seedRate <= 0 || newRate < 0 || writesPerWindow < 1 || writeWindow.isZero()) {
            throw new IllegalArgumentException(
                    "--active, --seed-rate, --writes-per-window and --write-window must be positive, --new-rate not negative");
        }
        applySimulatorSettings();
        paceGraphWrites(writesPerWindow, writeWindow); // the node told the quota the simulator enforces
        Map<String, Object> result = Results.header("quota");
        result.put("settings", settings());
        Map<String, Object> phase = OrchestratorPhase.run(this, deps, this::drive);
        result.put("phases", List.of(phase));
        String name = resultName("quota", active + "x" + closeWindow.toSeconds() + "s-new" + fmt(newRate) + "ps");
        Results.write(out, name, result);
        ResultCharts.quota(
                out.resolve(name + ".png"),
                db + ": " + active + " active, their tickets close within " + closeWindow.toSeconds()
                        + " s, new requests at "
                        + fmt(newRate) + "/s; write quota " + writesPerWindow + "/" + writeWindow.toSeconds()
                        + " s (shared 2-core machine)",
                phase,
                quotaRate());
        System.out.println("[bench] wrote " + out.resolve(name + ".json") + " and .png");
        return 0;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    double quotaRate() {
        return writesPerWindow / (writeWindow.toMillis() / 1000.0);
    }

    private Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("db", db);
        m.put("active", active);
        m.put("seedRate", seedRate);
        m.put("seedQuota", seedQuota);
        m.put("closeWindow", closeWindow.toString());
        m.put("newRate", newRate);
        m.put("newFor", newFor.toString());
        m.put("hold", hold.toString());
        m.put("roleDuration", roleDuration.toString());
        m.put("writesPerWindow", writesPerWindow);
        m.put("writeWindow", writeWindow.toString());
        m.put("deps", deps);
        m.put("orchestratorJvmOpts", jvmOpts);
        m.put("simulatorNodelay", simulatorNodelay);
        m.put("graphLatency", graphLatency.toString());
        return m;
    }

    // ------------------------------------------------------------------ the run

    private void drive(OrchestratorPhase.Context c) throws Exception {
        Tracker t = c.t();
        KafkaDriver driver = c.driver();
        Map<String, Object> phase = c.phase();
        String simRoot =
                c.orch().graphBaseUrl.substring(0, c.orch().graphBaseUrl.lastIndexOf("/v1.0"));
        Map<String, Object> quota = new LinkedHashMap<>();
        phase.put("simulatorQuota", quota);
        quota.put(
                "setForSeed",
                simulator(
                        "POST",
                        simRoot,
                        "{\"enabled\":" + seedQuota + ",\"writesPerWindow\":" + writesPerWindow + ",\"writeWindow\":\""
                                + writeWindow + "\"}"));
        Workload w = new Workload(c.principals(), i -> roleDuration, false, Duration.ZERO);
        ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "bench-closer");
            th.setDaemon(true);
            return th;
        });
        t.listener = new Tracker.Listener() {
            @Override
            public void onActive(Tracker.Rec r) {
                if (r.index >= active) { // a new request: its ticket closes once the role is active
                    if (hold.isZero()) {
                        driver.close(r);
                    } else {
                        closer.schedule(() -> driver.close(r), hold.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
            }
        };
        List<Map<String, Object>> jobs = new ArrayList<>();
        Progress progress = new Progress(t, c.database(), jobs);
        t.restart();
        seed(t, driver, w, progress);
        quota.put("atSeedEnd (counters since seeding began)", simulator("GET", simRoot, null));
        if (!seedQuota) {
            quota.put("enabledForBurst (windows restart empty)", simulator("POST", simRoot, "{\"enabled\":true}"));
        }
        simulator("DELETE", simRoot, null); // counters to zero, windows kept: what follows counts the burst only
        Env.Cpu cpu0 = Env.Cpu.now(c.orch().pid());
        Map<String, Long> pg0 = c.database().pgStats();
        if (c.sampler() != null) {
            c.sampler().resume();
        }
        burst(t, driver, w, progress);
        Env.Cpu cpu1 = Env.Cpu.now(c.orch().pid());
        Map<String, Long> pg1 = c.database().pgStats();
        if (c.sampler() != null) {
            c.sampler().pause();
            phase.put("threads (burst and after)", c.sampler().result(10));
        }
        closer.shutdownNow();
        quota.put("atEnd (counters since the burst began)", simulator("GET", simRoot, null));
        long lifecycles = t.all().stream().filter(r -> r.revoked >= burstStart).count();
        phase.put("cpu (burst and after, per revocation seen)", cpu1.since(cpu0, lifecycles));
        if (!pg0.isEmpty() && !pg1.isEmpty()) {
            phase.put("postgres (burst and after, per revocation seen)", Database.perLifecycle(pg0, pg1, lifecycles));
        }
        phase.put("orchestratorState", orchestratorState(c));
        receivedAt = c.database()
                .counts("SELECT ct.ticket_number, CAST(EXTRACT(EPOCH FROM ie.received_at) * 1000 AS BIGINT)"
                        + " FROM closed_ticket ct JOIN inbound_event ie ON ie.event_id = ct.event_id"
                        + " AND ie.topic = 'tickets.events'");
        phase.put("jobsEvery30s", jobs);
        analyse(t, phase);
    }

    /** Sends the seed requests at --seed-rate and waits until every one is active (or failed). */
    private void seed(Tracker t, KafkaDriver driver, Workload w, Progress progress) throws InterruptedException {
        seedStart = System.nanoTime();
        long period = (long) (1e9 / seedRate);
        for (int i = 0; i < active; i++) {
            parkUntil(seedStart + i * period);
            Tracker.Rec r = t.newRec(i, w.ticket(i), w.principal(i), w.scope(i));
            driver.request(r, roleDuration);
            progress.every5s("seed", i + 1);
        }
        // the quota bounds the seed at writesPerWindow/writeWindow; allow three times that, and 5 minutes more
        long deadline = System.nanoTime() + (long) (3e9 * active / quotaRate()) + 300_000_000_000L;
        while (seededSettled(t) < active && System.nanoTime() < deadline) {
            Thread.sleep(200);
            progress.every5s("seed", active);
        }
        seedEnd = System.nanoTime();
        Workload.progress(t, driver, active);
    }

    private long seededSettled(Tracker t) {
        return t.all().stream()
                .filter(r -> r.index < active && (r.active != 0 || r.failure != null))
                .count();
    }

    /**
     * Closes the active seeded tickets evenly over --close-window (in seeding order) while new requests arrive at
     * --new-rate for --new-for, then waits for the last lifecycles (--drain).
     */
    private void burst(Tracker t, KafkaDriver driver, Workload w, Progress progress) throws InterruptedException {
        List<Tracker.Rec> toClose = t.all().stream()
                .filter(r -> r.index < active && r.active != 0 && r.failure == null)
                .sorted(Comparator.comparingInt(r -> r.index))
                .toList();
        int newCount = (int) Math.round(newRate * newFor.toMillis() / 1000.0);
        burstStart = System.nanoTime();
        long closeStep = toClose.isEmpty() ? 0 : closeWindow.toNanos() / toClose.size();
        long newStep = newRate > 0 ? (long) (1e9 / newRate) : Long.MAX_VALUE;
        int closed = 0;
        int sent = 0;
        while (closed < toClose.size() || sent < newCount) {
            long nextClose = closed < toClose.size() ? burstStart + closed * closeStep : Long.MAX_VALUE;
            long nextNew = sent < newCount ? burstStart + sent * newStep : Long.MAX_VALUE;
            if (nextClose <= nextNew) {
                parkUntil(nextClose);
                driver.close(toClose.get(closed++));
            } else {
                parkUntil(nextNew);
                int i = active + sent++;
                Tracker.Rec r = t.newRec(i, w.ticket(i), w.principal(i), w.scope(i));
                driver.request(r, roleDuration);
            }
            progress.every5s("burst", active + sent);
        }
        sendEnd = System.nanoTime();
        long deadline = sendEnd + drain.toNanos();
        while (t.outstanding.get()
                        > t.all().stream()
                                .filter(r -> r.index < active && r.active == 0 && r.failure == null)
                                .count()
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            progress.every5s("drain", active + sent);
        }
        Workload.progress(t, driver, active + sent);
    }

    private static void parkUntil(long due) {
        long now;
        while ((now = System.nanoTime()) < due) {
            LockSupport.parkNanos(due - now);
        }
    }

    /** A progress line every 5 s (with the backlogs), and every 30 s the orchestrator's jobs by retries left. */
    private final class Progress {
        private final Tracker t;
        private final Database database;
        private final List<Map<String, Object>> jobs;
        private long last5;
        private long last30;

        Progress(Tracker t, Database database, List<Map<String, Object>> jobs) {
            this.t = t;
            this.database = database;
            this.jobs = jobs;
        }

        void every5s(String stage, int sent) {
            long now = System.nanoTime();
            if (now - last5 < 5_000_000_000L) {
                return;
            }
            last5 = now;
            long due = 0;
            long waiting = 0;
            long revokedSeed = 0;
            for (Tracker.Rec r : t.all()) {
                if (r.closed != 0 && r.revoked == 0 && r.failure == null) {
                    due++;
                }
                if (r.index >= active && r.active == 0 && r.failure == null) {
                    waiting++;
                }
                if (r.index < active && r.revoked != 0) {
                    revokedSeed++;
                }
            }
            System.out.printf(
                    "[bench] quota %s t=%.0fs sent=%d active=%d seedRevoked=%d revocationsDue=%d activationsWaiting=%d "
                            + "failed=%d load=%s%n",
                    stage,
                    t.seconds(now),
                    sent,
                    t.activeNow.get(),
                    revokedSeed,
                    due,
                    waiting,
                    t.failures.get(),
                    Env.loadAverage());
            if (now - last30 >= 30_000_000_000L) {
                last30 = now;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("second", Env.round(t.seconds(now)));
                m.put("stage", stage);
                m.put(
                        "jobsByTypeAndRetries",
                        database.counts(
                                "SELECT COALESCE(handler_type_, '?') || ' priority=' || priority_ || ' retries='"
                                        + " || retries_ || CASE WHEN duedate_ > now() THEN ' (due later)' ELSE '' END,"
                                        + " COUNT(*) FROM act_ru_job GROUP BY 1 ORDER BY 1"));
                jobs.add(m);
            }
        }
    }

    // ------------------------------------------------------------------ the orchestrator's and simulator's own view

    private Object simulator(String method, String root, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + "/_simulator/quota"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json");
            b = switch (method) {
                case "POST" -> b.POST(HttpRequest.BodyPublishers.ofString(body));
                case "DELETE" -> b.DELETE();
                default -> b.GET();
            };
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " /_simulator/quota -> " + r.statusCode() + " " + r.body());
            }
            return r.body().isBlank() ? Map.of() : JSON.readValue(r.body(), Map.class);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(method + " /_simulator/quota failed: " + e, e);
        }
    }

    private HttpResponse<String> orchestratorGet(OrchestratorProcess o, String path) throws Exception {
        return orchestratorGet(o, path, "application/json");
    }

    private HttpResponse<String> orchestratorGet(OrchestratorProcess o, String path, String accept) throws Exception {
        String basic =
                Base64.getEncoder().encodeToString(("admin:" + o.adminPassword).getBytes(StandardCharsets.UTF_8));
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + o.httpPort + path))
                        .timeout(Duration.ofSeconds(20))
                        .header("Authorization", "Basic " + basic)
                        .header("Accept", accept)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * At the end: incidents (engine REST API and ACT_RU_INCIDENT), jobs left, activations by status, the orchestrator's
     * Graph metrics (pimflow_graph_*) and its graph health component.
     */
    private Map<String, Object> orchestratorState(OrchestratorPhase.Context c) {
        Map<String, Object> m = new LinkedHashMap<>();
        Database d = c.database();
        try {
            HttpResponse<String> r = orchestratorGet(c.orch(), "/engine-rest/incident/count");
            m.put("engineRestIncidentCount", r.statusCode() + " " + r.body());
        } catch (Exception e) {
            m.put("engineRestIncidentCount", "failed: " + e);
        }
        m.put("actRuIncident", d.count("SELECT COUNT(*) FROM act_ru_incident"));
        m.put(
                "actRuIncidentByType",
                d.counts("SELECT incident_type_ || ': ' || COALESCE(SUBSTR(incident_msg_, 1, 160), ''), COUNT(*)"
                        + " FROM act_ru_incident GROUP BY 1"));
        m.put(
                "jobsLeftByTypeAndRetries",
                d.counts("SELECT COALESCE(handler_type_, '?') || ' retries=' || retries_, COUNT(*) FROM act_ru_job"
                        + " GROUP BY 1 ORDER BY 1"));
        m.put(
                "jobsWithExceptions",
                d.counts("SELECT COALESCE(SUBSTR(exception_msg_, 1, 160), ''), COUNT(*) FROM act_ru_job"
                        + " WHERE exception_msg_ IS NOT NULL GROUP BY 1"));
        m.put("activationsByStatus", d.counts("SELECT status, COUNT(*) FROM activation GROUP BY status ORDER BY 1"));
        m.put(
                "activationsByStatusAndReason",
                d.counts("SELECT status || ': ' || COALESCE(SUBSTR(reason, 1, 120), ''), COUNT(*) FROM activation"
                        + " WHERE status NOT IN ('active', 'revoked') GROUP BY 1"));
        try {
            HttpResponse<String> r = orchestratorGet(c.orch(), "/actuator/prometheus", "text/plain");
            List<String> lines = r.body()
                    .lines()
                    .filter(l -> l.startsWith("pimflow_graph") || l.startsWith("pimflow_revocation"))
                    .toList();
            m.put("prometheus (pimflow_graph*, pimflow_revocation*)", r.statusCode() == 200 ? lines : r.statusCode());
        } catch (Exception e) {
            m.put("prometheus", "failed: " + e);
        }
        try {
            HttpResponse<String> r = orchestratorGet(c.orch(), "/actuator/health");
            JsonNode graph = JSON.readTree(r.body()).path("components").path("graph");
            m.put("healthGraph", JSON.convertValue(graph, Map.class));
        } catch (Exception e) {
            m.put("healthGraph", "failed: " + e);
        }
        m.put("graph429sInTheLog", throttledResponses(c.orch().log));
        m.put("warnLines", c.orch().logLines(" WARN "));
        m.put("errorLines", c.orch().logLines(" ERROR "));
        return m;
    }

    /**
     * The 429s the orchestrator logged (GraphPimClient logs each at WARN when the answer came back): how many,
     * and how many came together (within 50 ms of the previous one), i.e. requests in flight at the same time.
     */
    static Map<String, Object> throttledResponses(java.nio.file.Path log) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Long> at = new ArrayList<>();
        try (var lines = java.nio.file.Files.lines(log)) {
            lines.filter(l -> l.contains(" -> 429 ")).forEach(l -> {
                try {
                    at.add(java.time.Instant.parse(l.substring(0, l.indexOf(' ')))
                            .toEpochMilli());
                } catch (RuntimeException ignored) {
                    // not a timestamped line
                }
            });
        } catch (Exception e) {
            m.put("error", e.toString());
            return m;
        }
        at.sort(null);
        int clusters = 0;
        int largest = 0;
        int size = 0;
        long prev = Long.MIN_VALUE / 2;
        Histogram sizes = new Histogram(3);
        for (long a : at) {
            if (a - prev > 50) {
                if (size > 0) {
                    sizes.recordValue(size);
                }
                clusters++;
                size = 0;
            }
            size++;
            largest = Math.max(largest, size);
            prev = a;
        }
        if (size > 0) {
            sizes.recordValue(size);
        }
        m.put("responses429", at.size());
        m.put("groups (429s within 50 ms of each other)", clusters);
        m.put(
                "groupSize (p50 / p90 / max)",
                sizes.getTotalCount() == 0
                        ? "-"
                        : sizes.getValueAtPercentile(50) + " / " + sizes.getValueAtPercentile(90) + " / " + largest);
        return m;
    }

    // ------------------------------------------------------------------ figures

    private void analyse(Tracker t, Map<String, Object> phase) {
        List<Tracker.Rec> all = new ArrayList<>(t.all());
        List<Tracker.Rec> seeded = all.stream().filter(r -> r.index < active).toList();
        List<Tracker.Rec> fresh = all.stream().filter(r -> r.index >= active).toList();
        List<Tracker.Rec> closedSeeded = seeded.stream()
                .filter(r -> r.closed != 0)
                .sorted(Comparator.comparingLong(r -> r.closed))
                .toList();
        long burstEnd = closedSeeded.stream()
                .mapToLong(r -> r.revoked)
                .filter(v -> v != 0)
                .max()
                .orElse(burstStart);
        phase.put("seed", seedFigures(t, seeded));
        phase.put("burst", burstFigures(t, closedSeeded, fresh, burstEnd));
        phase.put("revocationOrder", orderFigures(t, closedSeeded));
        phase.put("againstTheQuota", quotaBound(t, all, closedSeeded));
        phase.put("newRequests", newFigures(t, fresh, burstEnd));
        phase.put("timeline", timeline(t, all, burstEnd));
        if (!t.failureReasons.isEmpty()) {
            phase.put("failures", t.failureSummary());
        }
    }

    private Map<String, Object> seedFigures(Tracker t, List<Tracker.Rec> seeded) {
        Map<String, Object> m = new LinkedHashMap<>();
        long activeSeen = seeded.stream().filter(r -> r.active != 0).count();
        double seconds = (seedEnd - seedStart) / 1e9;
        m.put("requested", seeded.size());
        m.put("activeSeen", activeSeen);
        m.put("failed", seeded.stream().filter(r -> r.failure != null).count());
        m.put("seconds", Env.round(seconds));
        m.put("activationsPerSecond", Env.round(activeSeen / seconds));
        m.put("requestToActive", Tracker.summary(Tracker.latencies(seeded, r -> r.requested, r -> r.active)));
        m.put(
                "note",
                seedQuota
                        ? "seeded with the quota on: the write window is in its steady state when the burst starts"
                        : "seeded without the quota; it was turned on (empty windows) just before the burst");
        return m;
    }

    private Map<String, Object> burstFigures(
            Tracker t, List<Tracker.Rec> closedSeeded, List<Tracker.Rec> fresh, long burstEnd) {
        Map<String, Object> m = new LinkedHashMap<>();
        long revoked = closedSeeded.stream().filter(r -> r.revoked != 0).count();
        long lost = closedSeeded.stream()
                .filter(r -> r.revoked == 0 && r.failure == null)
                .count();
        double span = (burstEnd - burstStart) / 1e9;
        m.put("ticketsClosed", closedSeeded.size());
        m.put("revoked", revoked);
        m.put("notRevoked (lost, as far as the bench saw)", lost);
        m.put(
                "failedAfterClose",
                closedSeeded.stream().filter(r -> r.failure != null).count());
        m.put(
                "revokeReasons",
                closedSeeded.stream()
                        .filter(r -> r.revokeReason != null)
                        .collect(java.util.stream.Collectors.groupingBy(
                                r -> r.revokeReason, java.util.stream.Collectors.counting())));
        m.put("secondsFromFirstCloseToLastRevocation", Env.round(span));
        double rate = span > 0 ? revoked / span : 0;
        m.put("revocationsPerSecondWhileAnyDue", Env.round(rate));
        m.put("writeQuotaPerSecond", Env.round(quotaRate()));
        m.put("percentOfWriteQuota", Env.round(100 * rate / quotaRate()));
        // per whole second of the burst (seconds since the burst began): the seeded revocations seen
        int secs = (int) Math.floor(span);
        long[] per = new long[Math.max(0, secs)];
        for (Tracker.Rec r : closedSeeded) {
            if (r.revoked != 0) {
                int s = (int) ((r.revoked - burstStart) / 1_000_000_000L);
                if (s >= 0 && s < per.length) {
                    per[s]++;
                }
            }
        }
        long[] sorted = per.clone();
        java.util.Arrays.sort(sorted);
        if (sorted.length > 0) {
            m.put(
                    "revocationsPerWholeSecond (min / p10 / median / max)",
                    sorted[0] + " / " + sorted[sorted.length / 10] + " / " + sorted[sorted.length / 2] + " / "
                            + sorted[sorted.length - 1]);
        }
        long freshActivatedInBurst = fresh.stream()
                .filter(r -> r.active != 0 && r.active <= burstEnd)
                .count();
        m.put("newActivationsDuringTheBurst", freshActivatedInBurst);
        m.put("writesDuringTheBurst (revocations + activations seen)", revoked + freshActivatedInBurst);
        m.put("closeToRevoked", Tracker.summary(Tracker.latencies(closedSeeded, r -> r.closed, r -> r.revoked)));
        return m;
    }

    /** How far the revocations went out of the order their tickets closed in (which is the order they became due). */
    private Map<String, Object> orderFigures(Tracker t, List<Tracker.Rec> closedSeeded) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Tracker.Rec> done =
                closedSeeded.stream().filter(r -> r.revoked != 0).toList();
        m.put("revocations", done.size());
        m.put(
                "seenByTheBench (activation.revoked consumed)",
                order(done.stream().mapToLong(r -> r.revoked).toArray(), 1e6));
        m.put(
                "byRevokedAt (the orchestrator's timestamp in the event)",
                order(done.stream().mapToLong(r -> r.revokedEpochMs).toArray(), 1));
        List<Tracker.Rec> received = done.stream()
                .filter(r -> receivedAt.get(r.ticket) != null)
                .sorted(Comparator.comparingLong(r -> receivedAt.get(r.ticket)))
                .toList();
        m.put(
                "orchestratorsReceiptOfTheClosures, in ticket.closed order (Kafka partitions and the listeners' intake)",
                order(
                        done.stream()
                                .mapToLong(r -> receivedAt.getOrDefault(r.ticket, 0L))
                                .toArray(),
                        1));
        m.put(
                "byRevokedAt, in the order the orchestrator received the closures (its own share)",
                order(received.stream().mapToLong(r -> r.revokedEpochMs).toArray(), 1));
        m.put(
                "closeToReceived (ticket.closed sent -> the orchestrator consumed it)",
                Tracker.summary(msHist(
                        done,
                        r -> receivedAt.containsKey(r.ticket) ? receivedAt.get(r.ticket) - t.epochMs(r.closed) : -1)));
        m.put(
                "receivedToRevokedAt (the orchestrator's own timestamps)",
                Tracker.summary(msHist(
                        done,
                        r -> receivedAt.containsKey(r.ticket) ? r.revokedEpochMs - receivedAt.get(r.ticket) : -1)));
        m.put(
                "how to read",
                "in ticket.closed order: inversions = pairs revoked in the opposite order (Kendall tau distance = "
                        + "inversions / all pairs); outOfOrder = revocations that came before one closed earlier; "
                        + "overtakenBy = how long before that earlier one they came; rankDisplacement = |position among "
                        + "revocations - position among closures|; timeDisplacement = |revoked - the time of the "
                        + "revocation at its closure's position|");
        return m;
    }

    /** Milliseconds (as µs in the histogram) of each record where {@code ms} is not negative. */
    private static Histogram msHist(List<Tracker.Rec> recs, ToLongFunction<Tracker.Rec> ms) {
        Histogram h = new Histogram(3);
        for (Tracker.Rec r : recs) {
            long v = ms.applyAsLong(r);
            if (v >= 0) {
                h.recordValue(Math.max(1, v * 1000));
            }
        }
        return h;
    }

    /** @param times revocation times in close order; @param perMs units per millisecond */
    private static Map<String, Object> order(long[] times, double perMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = times.length;
        if (n < 2) {
            return m;
        }
        long inversions = inversions(times.clone());
        double pairs = n * (n - 1) / 2.0;
        m.put("inversions", inversions);
        m.put("kendallTauDistance", Math.round(inversions / pairs * 10000) / 10000.0);
        long outOfOrder = 0;
        long max = Long.MIN_VALUE;
        Histogram overtaken = new Histogram(3);
        for (long v : times) {
            if (v < max) {
                outOfOrder++;
                overtaken.recordValue(Math.max(1, (long) ((max - v) / perMs * 1000)));
            }
            max = Math.max(max, v);
        }
        m.put("outOfOrder", outOfOrder);
        m.put("outOfOrderFraction", Math.round(10000.0 * outOfOrder / n) / 10000.0);
        m.put("overtakenBy", Tracker.summary(overtaken));
        Integer[] byTime = new Integer[n];
        for (int i = 0; i < n; i++) {
            byTime[i] = i;
        }
        java.util.Arrays.sort(byTime, Comparator.comparingLong(i -> times[i]));
        Histogram disp = new Histogram(3);
        for (int rank = 0; rank < n; rank++) {
            disp.recordValue(Math.abs(rank - byTime[rank]));
        }
        m.put(
                "rankDisplacement (p50 / p99 / max positions)",
                disp.getValueAtPercentile(50) + " / " + disp.getValueAtPercentile(99) + " / " + disp.getMaxValue());
        // time displacement: the k-th closure's revocation against the k-th revocation time (what it would have been
        // in order); unlike overtakenBy, one laggard counts once, not once for every revocation that passed it
        long[] sorted = times.clone();
        java.util.Arrays.sort(sorted);
        Histogram late = new Histogram(3);
        long over1s = 0;
        long over10s = 0;
        for (int k = 0; k < n; k++) {
            long ms = (long) (Math.abs(times[k] - sorted[k]) / perMs);
            late.recordValue(Math.max(1, ms * 1000));
            over1s += ms > 1000 ? 1 : 0;
            over10s += ms > 10_000 ? 1 : 0;
        }
        m.put("timeDisplacement (|revoked - the in-order revocation time|)", Tracker.summary(late));
        m.put("displacedMoreThan1s", over1s);
        m.put("displacedMoreThan10s", over10s);
        return m;
    }

    /** Pairs i < j with a[i] > a[j] (merge sort; sorts a). */
    private static long inversions(long[] a) {
        long[] tmp = new long[a.length];
        long count = 0;
        for (int width = 1; width < a.length; width *= 2) {
            for (int lo = 0; lo < a.length - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, a.length);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    if (a[j] < a[i]) {
                        count += mid - i;
                        tmp[k++] = a[j++];
                    } else {
                        tmp[k++] = a[i++];
                    }
                }
                while (i < mid) {
                    tmp[k++] = a[i++];
                }
                while (j < hi) {
                    tmp[k++] = a[j++];
                }
                System.arraycopy(tmp, lo, a, lo, hi - lo);
            }
        }
        return count;
    }

    /**
     * What the quota allows: the earliest each seeded revocation could have been done if every write from the burst
     * on went to the revocations, in close order, under the sliding write window. The window at the burst's start
     * holds the writes before it (each activation's write taken at the moment the bench saw it active: a few ms late).
     * For the k-th closure, allowed_k = the earliest t >= max(close_k, allowed_{k-1}) at which the window (t - W, t]
     * holds fewer than the quota's writes; with a full window at the start that is about k / (writes per second).
     */
    private Map<String, Object> quotaBound(Tracker t, List<Tracker.Rec> all, List<Tracker.Rec> closedSeeded) {
        Map<String, Object> m = new LinkedHashMap<>();
        long windowMs = writeWindow.toMillis();
        long[] prior = all.stream()
                .filter(r -> r.active != 0 && r.active < burstStart)
                .mapToLong(r -> t.epochMs(r.active))
                .sorted()
                .toArray();
        long burstStartMs = t.epochMs(burstStart);
        ArrayDeque<Long> window = new ArrayDeque<>();
        for (long p : prior) {
            if (seedQuota && p > burstStartMs - windowMs) {
                window.addLast(p); // --no-seed-quota: the windows restart empty before the burst
            }
        }
        m.put("writesInTheWindowAtBurstStart (bench's estimate)", window.size());
        Histogram actual = new Histogram(3);
        Histogram allowed = new Histogram(3);
        Histogram excess = new Histogram(3);
        long earlierThanModel = 0;
        long prev = burstStartMs;
        long lastAllowed = burstStartMs;
        List<double[]> points = new ArrayList<>();
        for (Tracker.Rec r : closedSeeded) {
            long close = t.epochMs(r.closed);
            long at = Math.max(close, prev);
            while (true) {
                while (!window.isEmpty() && window.peekFirst() + windowMs <= at) {
                    window.pollFirst();
                }
                if (window.size() < writesPerWindow) {
                    break;
                }
                at = window.peekFirst() + windowMs;
            }
            window.addLast(at);
            prev = at;
            lastAllowed = at;
            long allowedLag = at - close;
            allowed.recordValue(Math.max(1, allowedLag * 1000));
            if (r.revoked != 0) {
                long actualLag = t.epochMs(r.revoked) - close;
                actual.recordValue(Math.max(1, actualLag * 1000));
                long x = actualLag - allowedLag;
                if (x < 0) {
                    earlierThanModel++;
                }
                excess.recordValue(Math.max(1, x * 1000));
                points.add(new double[] {(close - burstStartMs) / 1000.0, actualLag / 1000.0, allowedLag / 1000.0});
            }
        }
        Map<String, Object> a = Tracker.summary(actual);
        Map<String, Object> b = Tracker.summary(allowed);
        m.put("closeToRevokedActual", a);
        m.put("closeToRevokedAllowedByTheQuota", b);
        if (a.get("p99ms") instanceof Double p99a && b.get("p99ms") instanceof Double p99b && p99b > 0) {
            m.put("p99ActualOverAllowed", Env.round(p99a / p99b));
        }
        m.put("excessOverTheQuotaBound (actual - allowed, per revocation; 0 where earlier)", Tracker.summary(excess));
        m.put(
                "revocationsEarlierThanTheirBound (done out of close order, or the model's write times as seen)",
                earlierThanModel);
        m.put("allowedSecondsFromBurstStartToLastRevocation", Env.round((lastAllowed - burstStartMs) / 1000.0));
        long lastActual = closedSeeded.stream().mapToLong(r -> r.revoked).max().orElse(0);
        if (lastActual != 0) {
            double actualSpan = (t.epochMs(lastActual) - burstStartMs) / 1000.0;
            m.put("actualSecondsFromBurstStartToLastRevocation", Env.round(actualSpan));
            m.put(
                    "lastRevocationActualOverAllowed",
                    Env.round(actualSpan / Math.max(0.001, (lastAllowed - burstStartMs) / 1000.0)));
        }
        m.put("points [closed s after burst start, actual s, allowed s]", points);
        return m;
    }

    private Map<String, Object> newFigures(Tracker t, List<Tracker.Rec> fresh, long burstEnd) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Tracker.Rec> duringBurst =
                fresh.stream().filter(r -> r.requested <= burstEnd).toList();
        long backlogCleared = backlogCleared(fresh, burstEnd);
        boolean allActive = backlogCleared != Long.MAX_VALUE;
        m.put("sent", fresh.size());
        m.put("sentDuringTheBurst", duringBurst.size());
        m.put(
                "ofThoseActiveBeforeTheBurstEnded",
                duringBurst.stream()
                        .filter(r -> r.active != 0 && r.active <= burstEnd)
                        .count());
        m.put(
                "ofThoseActiveAfterTheBurst",
                duringBurst.stream().filter(r -> r.active > burstEnd).count());
        m.put(
                "ofThoseFailed",
                duringBurst.stream().filter(r -> r.failure != null).count());
        m.put("failed (all new)", fresh.stream().filter(r -> r.failure != null).count());
        m.put("active (all new)", fresh.stream().filter(r -> r.active != 0).count());
        m.put("revoked (all new)", fresh.stream().filter(r -> r.revoked != 0).count());
        m.put(
                "notFinished (all new)",
                fresh.stream().filter(r -> r.revoked == 0 && r.failure == null).count());
        m.put("burstEndedAtSecond", Env.round(t.seconds(burstEnd)));
        m.put(
                "backlogClearedAtSecond (first moment after the burst with at most one second of arrivals waiting)",
                allActive ? Env.round(t.seconds(backlogCleared)) : "not while new requests arrived");
        m.put(
                "lastRequestSentDuringTheBurstActiveAtSecond",
                duringBurst.stream().allMatch(r -> r.active != 0)
                        ? Env.round(t.seconds(duringBurst.stream()
                                .mapToLong(r -> r.active)
                                .max()
                                .orElse(burstEnd)))
                        : "not all were active");
        m.put(
                "requestToActive (requested during the burst)",
                Tracker.summary(Tracker.latencies(duringBurst, r -> r.requested, r -> r.active)));
        m.put(
                "requestToActive (requested after the backlog cleared)",
                Tracker.summary(Tracker.latencies(
                        fresh, r -> allActive && r.requested > backlogCleared ? r.requested : 0, r -> r.active)));
        m.put(
                "closeToRevoked (closed during the burst)",
                Tracker.summary(Tracker.latencies(
                        fresh, r -> r.closed != 0 && r.closed <= burstEnd ? r.closed : 0, r -> r.revoked)));
        m.put(
                "closeToRevoked (closed after the burst)",
                Tracker.summary(Tracker.latencies(fresh, r -> r.closed > burstEnd ? r.closed : 0, r -> r.revoked)));
        m.put(
                "closeToRevoked (closed after the burst, while the activation backlog drained)",
                Tracker.summary(Tracker.latencies(
                        fresh, r -> r.closed > burstEnd && r.closed <= backlogCleared ? r.closed : 0, r -> r.revoked)));
        m.put(
                "closeToRevoked (closed after the backlog cleared: steady state)",
                Tracker.summary(Tracker.latencies(
                        fresh, r -> allActive && r.closed > backlogCleared ? r.closed : 0, r -> r.revoked)));
        return m;
    }

    /**
     * The first moment after the burst at which no more new requests wait to be active than arrive in one second
     * (steady state), among the moments a new activation was seen; Long.MAX_VALUE if that never happened while new
     * requests kept arriving.
     */
    private long backlogCleared(List<Tracker.Rec> fresh, long burstEnd) {
        List<Tracker.Rec> activeAfter = fresh.stream()
                .filter(r -> r.active > burstEnd)
                .sorted(Comparator.comparingLong(r -> r.active))
                .toList();
        long allowed = Math.max(1, Math.round(newRate));
        for (Tracker.Rec a : activeAfter) {
            if (a.active > sendEnd) {
                break;
            }
            long waiting = fresh.stream()
                    .filter(r -> r.requested <= a.active && (r.active == 0 || r.active > a.active) && r.failure == null)
                    .count();
            if (waiting <= allowed) {
                return a.active;
            }
        }
        return Long.MAX_VALUE;
    }

    /** Per second since the seed began: revocations and activations, and the backlogs, for the chart. */
    private Map<String, Object> timeline(Tracker t, List<Tracker.Rec> all, long burstEnd) {
        long last = all.stream()
                .mapToLong(r -> Math.max(r.revoked, Math.max(r.active, r.closed)))
                .max()
                .orElse(t.t0);
        int n = (int) Math.ceil(t.seconds(Math.max(last, System.nanoTime()))) + 1;
        long[] revokedSeed = new long[n];
        long[] revokedNew = new long[n];
        long[] activeSeed = new long[n];
        long[] activeNew = new long[n];
        long[] dueDelta = new long[n + 1];
        long[] waitDelta = new long[n + 1];
        for (Tracker.Rec r : all) {
            boolean seed = r.index < active;
            if (r.revoked != 0) {
                (seed ? revokedSeed : revokedNew)[sec(t, r.revoked, n)]++;
            }
            if (r.active != 0) {
                (seed ? activeSeed : activeNew)[sec(t, r.active, n)]++;
            }
            if (r.closed != 0) {
                dueDelta[sec(t, r.closed, n)]++;
                if (r.revoked != 0) {
                    dueDelta[sec(t, r.revoked, n)]--;
                }
            }
            if (!seed && r.requested != 0) {
                waitDelta[sec(t, r.requested, n)]++;
                long settled = r.active != 0 ? r.active : 0;
                if (settled != 0) {
                    waitDelta[sec(t, settled, n)]--;
                }
            }
        }
        long[] due = new long[n];
        long[] waiting = new long[n];
        long d = 0;
        long w = 0;
        for (int i = 0; i < n; i++) {
            d += dueDelta[i];
            w += waitDelta[i];
            due[i] = d;
            waiting[i] = w;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seedEndsAtSecond", Env.round(t.seconds(seedEnd)));
        m.put("burstStartsAtSecond", Env.round(t.seconds(burstStart)));
        m.put("burstEndsAtSecond (last seeded revocation)", Env.round(t.seconds(burstEnd)));
        m.put("newRequestsEndAtSecond", Env.round(t.seconds(sendEnd)));
        Map<String, long[]> per = new LinkedHashMap<>();
        per.put("revokedSeeded", revokedSeed);
        per.put("revokedNew", revokedNew);
        per.put("activatedSeeded", activeSeed);
        per.put("activatedNew", activeNew);
        per.put("revocationsDue (closed, not yet revoked)", due);
        per.put("newActivationsWaiting (requested, not yet active)", waiting);
        m.put("perSecond", per);
        return m;
    }

    private static int sec(Tracker t, long nanos, int n) {
        return (int) Math.max(0, Math.min(n - 1, (nanos - t.t0) / 1_000_000_000L));
    }
}
