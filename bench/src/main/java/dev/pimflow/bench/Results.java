package dev.pimflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's result: its header, each phase's figures over the measured window (throughput, latency, CPU, database work,
 * timeline), the comparison of the systems, and the JSON file they go to.
 */
final class Results {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Results() {}

    /** What every result starts with: the scenario, when, the command that ran it and the machine. */
    static Map<String, Object> header(String scenario) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("scenario", scenario);
        result.put("date", LocalDateTime.now().toString());
        result.put("command", ScenarioOptions.commandLine(scenario));
        result.put("machine", Env.machine(Env.javaCommand()));
        return result;
    }

    /** A phase's first entries: the system, the load and the CPU calibration before it. */
    static Map<String, Object> newPhase(String system) {
        Map<String, Object> phase = new LinkedHashMap<>();
        phase.put("system", system);
        phase.put("loadBefore", Env.loadAverage());
        phase.put("cpuCalibrationMsBefore", Env.cpuCalibrationMs());
        return phase;
    }

    /** Throughput over the measured window, latency percentiles of the activations requested in it, CPU and database work. */
    static void fill(Map<String, Object> phase, Tracker t, Workload.Run run, Workload.Plan plan, WindowMarks marks) {
        Env.Cpu cpu0 = marks.cpu0;
        Env.Cpu cpu1 = marks.cpu1;
        Map<String, Long> pg0 = marks.pg0();
        Map<String, Long> pg1 = marks.pg1();
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
}
