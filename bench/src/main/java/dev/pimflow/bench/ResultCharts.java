package dev.pimflow.bench;

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
}
