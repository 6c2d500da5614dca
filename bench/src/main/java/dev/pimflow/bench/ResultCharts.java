package dev.pimflow.bench;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The PNG next to each result: throughput over time and latency by stage (lifecycles), active roles and lag (timers). */
final class ResultCharts {
    private ResultCharts() {}

    /** The lifecycles scenario's chart: each system's throughput over time, then latency p50 and p99 by stage. */
    @SuppressWarnings("unchecked")
    static void lifecycles(Path file, String title, List<Map<String, Object>> phases) throws Exception {
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

    /** The mean of the 5 seconds ending at each second, rounded (a per-second count is too noisy to read). */
    static long[] average5(long[] perSecond) {
        long[] out = new long[perSecond.length];
        long sum = 0;
        for (int i = 0; i < perSecond.length; i++) {
            sum += perSecond[i] - (i >= 5 ? perSecond[i - 5] : 0);
            out[i] = Math.round(sum / (double) Math.min(5, i + 1));
        }
        return out;
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

    /** The timers scenario's chart; {@code title} follows "pimflow-bench timers, ". */
    @SuppressWarnings("unchecked")
    static void timers(Path file, String title, Map<String, Object> phase) throws Exception {
        Chart chart = new Chart("pimflow-bench timers, " + title);
        Map<String, long[]> per = (Map<String, long[]>) ((Map<String, Object>) phase.get("timeline")).get("perSecond");
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

    /** The quota scenario's chart: writes per second against the quota, the backlogs, close->revoked against the quota. */
    @SuppressWarnings("unchecked")
    static void quota(Path file, String title, Map<String, Object> phase, double quotaPerSecond) throws Exception {
        Chart chart = new Chart("pimflow-bench quota, " + title);
        Map<String, Object> tl = (Map<String, Object>) phase.get("timeline");
        Map<String, long[]> per = (Map<String, long[]>) tl.get("perSecond");
        long[] revSeed = per.get("revokedSeeded");
        long[] revNew = per.get("revokedNew");
        long[] actSeed = per.get("activatedSeeded");
        long[] actNew = per.get("activatedNew");
        int n = revSeed.length;
        long[] rev = new long[n];
        long[] act = new long[n];
        double[] qx = {0, n - 1};
        double[] qy = {quotaPerSecond, quotaPerSecond};
        for (int i = 0; i < n; i++) {
            rev[i] = revSeed[i] + revNew[i];
            act[i] = actSeed[i] + actNew[i];
        }
        String marks = String.format(
                java.util.Locale.ROOT,
                " [seed 0-%.0f s, burst %.0f-%.0f s, new requests until %.0f s]",
                ((Number) tl.get("seedEndsAtSecond")).doubleValue(),
                ((Number) tl.get("burstStartsAtSecond")).doubleValue(),
                ((Number) tl.get("burstEndsAtSecond (last seeded revocation)")).doubleValue(),
                ((Number) tl.get("newRequestsEndAtSecond")).doubleValue());
        chart.lines(
                "Graph writes seen by the bench per second: revocations and activations, and the write quota" + marks,
                "seconds since the seed began",
                "per second",
                List.of(
                        series("revocations/s (5 s avg)", average5(rev), Chart.PALETTE[1], false),
                        series("activations/s (5 s avg)", average5(act), Chart.PALETTE[2], false),
                        new Chart.Series(
                                "write quota " + Chart.label(quotaPerSecond) + "/s", qx, qy, Color.BLACK, true, false)),
                false);
        List<Chart.Series> backlog = new ArrayList<>();
        backlog.add(series(
                "revocations due (closed)",
                per.get("revocationsDue (closed, not yet revoked)"),
                Chart.PALETTE[1],
                false));
        backlog.add(series(
                "new activations waiting",
                per.get("newActivationsWaiting (requested, not yet active)"),
                Chart.PALETTE[2],
                false));
        Map<String, Object> monitor = (Map<String, Object>) phase.get("monitor");
        if (monitor != null) {
            List<long[]> rows = (List<long[]>) monitor.get("perSecond");
            double[] x =
                    rows.stream().filter(r -> r[4] >= 0).mapToDouble(r -> r[0]).toArray();
            double[] y =
                    rows.stream().filter(r -> r[4] >= 0).mapToDouble(r -> r[4]).toArray();
            if (x.length > 0) {
                backlog.add(new Chart.Series("executable jobs (database)", x, y, Chart.PALETTE[4], true, false));
            }
            double[] lx =
                    rows.stream().filter(r -> r[1] >= 0).mapToDouble(r -> r[0]).toArray();
            double[] ly =
                    rows.stream().filter(r -> r[1] >= 0).mapToDouble(r -> r[1]).toArray();
            if (lx.length > 0) {
                backlog.add(new Chart.Series("ticket events not consumed", lx, ly, Chart.PALETTE[7], true, false));
            }
        }
        chart.lines("Backlogs" + marks, "seconds since the seed began", "count", backlog, false);
        Map<String, Object> q = (Map<String, Object>) phase.get("againstTheQuota");
        List<double[]> pts = (List<double[]>) q.get("points [closed s after burst start, actual s, allowed s]");
        chart.lines(
                "Seeded revocations: ticket.closed -> activation.revoked (s), seen, and what the quota allows"
                        + " (every write to revocations, in close order)",
                "ticket closed, seconds after the burst began",
                "seconds",
                List.of(
                        new Chart.Series(
                                "seen",
                                pts.stream().mapToDouble(p -> p[0]).toArray(),
                                pts.stream().mapToDouble(p -> p[1]).toArray(),
                                Chart.PALETTE[1],
                                false,
                                true),
                        new Chart.Series(
                                "allowed by the quota",
                                pts.stream().mapToDouble(p -> p[0]).toArray(),
                                pts.stream().mapToDouble(p -> p[2]).toArray(),
                                Color.BLACK,
                                true,
                                false)),
                false);
        chart.write(file);
    }
}
