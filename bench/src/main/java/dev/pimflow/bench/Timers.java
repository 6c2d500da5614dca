package dev.pimflow.bench;

import dev.pimflow.contracts.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The timers scenario: the orchestrator only, many activations active at once, their ends spread over a window. */
@Command(
        name = "timers",
        mixinStandardHelpOptions = true,
        description =
                "N activations active at once whose ends are spread over a window: revocation lag after the end time, "
                        + "and the orchestrator's heap after GC at the peak.")
final class Timers extends ScenarioOptions implements Callable<Integer> {
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
            description = "time between the planned end of the build-up and the first end; default ${DEFAULT-VALUE}")
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
        paceGraphWrites(0, null); // beyond Graph's quota: the orchestrator's own ceiling
        Workload.Plan plan = new Workload.Plan(
                rate,
                active + 10,
                Duration.ZERO,
                Duration.ofDays(1),
                active,
                Duration.ofMillis((long) (active / rate * 1000) + margin.toMillis() + window.toMillis() + 300_000));
        Map<String, Object> result = Results.header("timers");
        result.put("settings", settings());
        Map<String, Object> phase = OrchestratorPhase.run(this, plan, deps, false, this);
        result.put("phases", List.of(phase));
        String name = resultName("timers", active + "x" + window.toSeconds() + "s");
        Results.write(out, name, result);
        ResultCharts.timers(
                out.resolve(name + ".png"),
                db + ": " + active + " activations, ends spread over " + window.toSeconds()
                        + " s (shared 2-core machine)",
                phase);
        System.out.println("[bench] wrote " + out.resolve(name + ".json") + " and .png");
        return 0;
    }

    private Map<String, Object> settings() {
        return Map.of(
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
                graphLatency.toString());
    }
}
