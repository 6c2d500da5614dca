package dev.pimflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the Markdown summary tables of every result file in the results directory (what bench/README.md shows). */
@Command(name = "summary", mixinStandardHelpOptions = true, description = "Markdown tables of the results in --out.")
final class Summary implements Callable<Integer> {
    @Option(names = "--out", description = "results directory; default ${DEFAULT-VALUE}")
    Path out = Path.of("bench/results");

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper();
        System.out.println(
                "| result | system | load before → after (CPU calibration, ms) | lifecycles/s | req→challenge p50 / p99 | approval→active p50 / p99 "
                        + "| close→revoked p50 / p99 | CPU ms per lifecycle (orchestrator · bench JVM · PostgreSQL) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        List<String> timers = new ArrayList<>();
        List<String> quota = new ArrayList<>();
        for (Path f : resultFiles()) {
            JsonNode r = json.readTree(f.toFile());
            String name = f.getFileName().toString().replace(".json", "");
            for (JsonNode p : r.path("phases")) {
                if (r.path("scenario").asText().equals("quota")) {
                    quota.add(quotaRow(name, p));
                    continue;
                }
                if (r.path("scenario").asText().equals("timers")) {
                    timers.add(timersRow(name, r, p));
                    continue;
                }
                printLifecyclesRow(name, r, p);
            }
        }
        if (!timers.isEmpty()) {
            System.out.println();
            System.out.println(
                    "| result | db | load before → after | active at peak (planned) | revocation lag p50 / p99 / p99.9 / max (ms) | heap after GC at peak |");
            System.out.println("|---|---|---|---|---|---|");
            timers.forEach(System.out::println);
        }
        if (!quota.isEmpty()) {
            System.out.println();
            System.out.println(
                    "| result | load before → after | revocations/s while due (% of write quota) | order: Kendall distance, "
                            + "out of order, overtaken by p99 | lost · incidents | sent during Retry-After (writes · reads) "
                            + "| new: failed · active in burst · backlog cleared at | close→revoked p99: seen / quota allows "
                            + "| close→revoked p99 after the burst · after the backlog |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            quota.forEach(System.out::println);
        }
        return 0;
    }

    /** A row of the quota table. */
    private static String quotaRow(String name, JsonNode p) {
        JsonNode b = p.path("burst");
        JsonNode o = p.path("revocationOrder").path("seenByTheBench (activation.revoked consumed)");
        JsonNode q = p.path("againstTheQuota");
        JsonNode n = p.path("newRequests");
        JsonNode end = p.path("simulatorQuota").path("atEnd (counters since the burst began)");
        return String.format(
                Locale.ROOT,
                "| %s | %s → %s | %s (%s %%) | %s, %s, %s ms | %s · %s | %s · %s | %s · %s of %s · %s s | %s / %s ms (×%s) | %s · %s ms |",
                name,
                p.path("loadBefore").asText(),
                p.path("loadAfter").asText(),
                b.path("revocationsPerSecondWhileAnyDue").asText(),
                b.path("percentOfWriteQuota").asText(),
                o.path("kendallTauDistance").asText(),
                o.path("outOfOrderFraction").asText(),
                o.path("overtakenBy").path("p99ms").asText("–"),
                b.path("notRevoked (lost, as far as the bench saw)").asText(),
                p.path("orchestratorState").path("actRuIncident").asText(),
                end.path("write").path("duringRetryAfter").asText(),
                end.path("read").path("duringRetryAfter").asText(),
                n.path("failed (all new)").asText(),
                n.path("ofThoseActiveBeforeTheBurstEnded").asText(),
                n.path("sentDuringTheBurst").asText(),
                n.path(
                                "backlogClearedAtSecond (first moment after the burst with at most one second of arrivals waiting)")
                        .asText(n.path("backlogClearedAtSecond (the last request sent during the burst was active)")
                                .asText()),
                q.path("closeToRevokedActual").path("p99ms").asText(),
                q.path("closeToRevokedAllowedByTheQuota").path("p99ms").asText(),
                q.path("p99ActualOverAllowed").asText(),
                n.path("closeToRevoked (closed after the burst)").path("p99ms").asText("–"),
                n.path("closeToRevoked (closed after the backlog cleared: steady state)")
                        .path("p99ms")
                        .asText(n.path("closeToRevoked (closed after the backlog cleared)")
                                .path("p99ms")
                                .asText("–")));
    }

    /** The result files in --out, by name (so by date). */
    private List<Path> resultFiles() throws Exception {
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(out)) {
            s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
        }
        return files;
    }

    /** A row of the timers table: revocation lag and heap after GC at the peak. */
    private static String timersRow(String name, JsonNode r, JsonNode p) {
        JsonNode t = p.path("timers");
        JsonNode lag = t.path("lagSeenByBench");
        JsonNode peak = p.path("heapAtPeak");
        return String.format(
                Locale.ROOT,
                "| %s | %s | %s → %s | %s of %s | %s / %s / %s / %s | %s MiB (start %s, end %s) |",
                name,
                r.path("settings").path("db").asText(),
                p.path("loadBefore").asText(),
                p.path("loadAfter").asText(),
                peak.path("activeSeen").asText(),
                t.path("planned").path("active").asText(),
                lag.path("p50ms").asText(),
                lag.path("p99ms").asText(),
                lag.path("p999ms").asText(),
                lag.path("maxms").asText(),
                peak.path("heapUsedAfterGcMiB").asText(),
                p.path("heapAtStart").path("heapUsedAfterGcMiB").asText(),
                p.path("heapAfterRun").path("heapUsedAfterGcMiB").asText());
    }

    /** A row of the lifecycles table: one system's throughput, latency by stage and CPU per lifecycle. */
    private static void printLifecyclesRow(String name, JsonNode r, JsonNode p) {
        JsonNode lat = p.path("latency");
        System.out.printf(
                Locale.ROOT,
                "| %s | %s | %s → %s%s | %s | %s | %s | %s | %s |%n",
                name,
                p.path("system").asText(),
                p.path("loadBefore").asText(),
                p.path("loadAfter").asText(),
                p.has("cpuCalibrationMsBefore")
                        ? " (" + p.path("cpuCalibrationMsBefore").asText() + ")"
                        : "",
                p.path("throughput").path("lifecyclesCompletedPerSecond").asText(),
                pair(lat, "request->challenge"),
                pair(lat, "approval->active"),
                pair(lat, "close->revoked"),
                cpuCell(r, p));
    }

    /** CPU ms per lifecycle: orchestrator · bench JVM · PostgreSQL ("–" where not measured). */
    private static String cpuCell(JsonNode r, JsonNode p) {
        JsonNode cpu = p.path("cpu");
        String cpuCell = p.path("system").asText().equals("orchestrator")
                ? cpu.path("orchestrator").path("cpuMsPerLifecycle").asText() + " · "
                        + cpu.path("benchJvm").path("cpuMsPerLifecycle").asText()
                : "– · " + cpu.path("benchJvm").path("cpuMsPerLifecycle").asText();
        cpuCell += " · "
                + (r.path("settings").path("db").asText().equals("postgres")
                        ? cpu.path("allPostgresProcesses")
                                .path("cpuMsPerLifecycle")
                                .asText()
                        : "–");
        return cpuCell;
    }

    private static String pair(JsonNode lat, String stage) {
        JsonNode s = lat.path(stage);
        return s.path("p50ms").asText("–") + " / " + s.path("p99ms").asText("–");
    }
}
