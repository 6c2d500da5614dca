package dev.pimflow.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The orchestrator under test: the packaged jar (copied first, so a rebuild during the run does not change it) started
 * as a subprocess with environment settings only, ready when GET /actuator/health answers UP.
 */
final class OrchestratorProcess implements AutoCloseable {
    final Path dir;
    final Path log;
    final int httpPort = Env.freePort();
    final int kafkaPort;
    final int simulatorPort;
    final String bootstrap;
    final String graphBaseUrl;
    final String mfaSecret = "bench-" + UUID.randomUUID() + "-" + UUID.randomUUID();
    final String adminPassword = "bench-" + UUID.randomUUID();
    final Map<String, String> env = new LinkedHashMap<>();
    final List<String> command = new ArrayList<>();
    private Process process;

    /**
     * @param externalBootstrap null: the orchestrator's own embedded broker on a free port; else that broker
     * @param externalGraph null: the orchestrator's own Graph simulator on a free port; else that base URL
     */
    OrchestratorProcess(
            Path jar,
            Path dir,
            Database db,
            String externalBootstrap,
            String externalGraph,
            String jvmOpts,
            Map<String, String> extraEnv)
            throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        Path copy = dir.resolve("pimflow-workflow.jar");
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        this.log = dir.resolve("orchestrator.log");
        env.put("SERVER_PORT", Integer.toString(httpPort));
        env.put("PIM_EMBEDDED_DATA_DIR", dir.resolve("data").toString());
        if (externalBootstrap == null) {
            kafkaPort = Env.freePort();
            env.put("PIM_EMBEDDED_KAFKA_PORT", Integer.toString(kafkaPort));
            bootstrap = "localhost:" + kafkaPort;
        } else {
            kafkaPort = -1;
            env.put("PIM_EMBEDDED_KAFKA_ENABLED", "false");
            env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", externalBootstrap);
            bootstrap = externalBootstrap;
        }
        if (externalGraph == null) {
            simulatorPort = Env.freePort();
            env.put("PIM_SIMULATOR_PORT", Integer.toString(simulatorPort));
            graphBaseUrl = "http://localhost:" + simulatorPort + "/v1.0";
        } else {
            simulatorPort = -1;
            env.put("PIM_SIMULATOR_ENABLED", "false");
            env.put("PIM_GRAPH_BASE_URL", externalGraph);
            graphBaseUrl = externalGraph;
        }
        env.put("PIM_ADMIN_PASSWORD", adminPassword);
        env.put("PIM_MFA_SHARED_SECRET", mfaSecret);
        env.put("PIM_MFA_DEV_GATEWAY_ENABLED", "false");
        env.putAll(db.orchestratorEnv());
        env.putAll(extraEnv);
        command.add(Env.javaCommand());
        command.addAll(Env.splitOpts(jvmOpts));
        command.add("-jar");
        command.add(copy.toString());
    }

    OrchestratorProcess start(Duration timeout) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .directory(dir.toFile());
        pb.environment().putAll(env);
        long t = System.nanoTime();
        process = pb.start();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = t + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the orchestrator exited with " + process.exitValue() + " while starting; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/actuator/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
                    break;
                }
            } catch (IOException ignored) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the orchestrator was not healthy within " + timeout + "; see " + log);
            }
            Thread.sleep(250);
        }
        System.out.printf(
                "[bench] orchestrator pid %d healthy after %.1f s (http %d, kafka %s, graph %s)%n",
                pid(), (System.nanoTime() - t) / 1e9, httpPort, bootstrap, graphBaseUrl);
        return this;
    }

    long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Full GC (jcmd GC.run), then the heap in use: the live set. */
    Map<String, Object> heapAfterGc() {
        Map<String, Object> m = new LinkedHashMap<>();
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Env.run(List.of(jcmd, Long.toString(pid()), "GC.run"), 120);
        String info = Env.run(List.of(jcmd, Long.toString(pid()), "GC.heap_info"), 60);
        Matcher used = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
        if (used.find()) {
            m.put("heapCommittedMiB", Long.parseLong(used.group(1)) / 1024);
            m.put("heapUsedAfterGcMiB", Long.parseLong(used.group(2)) / 1024);
        } else {
            m.put("heapInfo", info.trim());
        }
        String flags = Env.run(List.of(jcmd, Long.toString(pid()), "VM.flags"), 60);
        Matcher max = Pattern.compile("MaxHeapSize=(\\d+)").matcher(flags);
        if (max.find()) {
            m.put("maxHeapMiB", Long.parseLong(max.group(1)) / 1024 / 1024);
        }
        m.put(
                "gc",
                flags.contains("+UseG1GC")
                        ? "G1"
                        : flags.contains("+UseSerialGC")
                                ? "Serial"
                                : flags.contains("+UseParallelGC") ? "Parallel" : "other");
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    m.put("rssMiB", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
                }
            }
        } catch (IOException ignored) {
            // gone
        }
        return m;
    }

    /** The environment, with the secrets masked, for the results file. */
    Map<String, String> maskedEnv() {
        Map<String, String> m = new LinkedHashMap<>(env);
        m.replaceAll((k, v) -> k.contains("SECRET") || k.contains("PASSWORD") ? "***" : v);
        return m;
    }

    long logLines(String needle) {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(needle)).count();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
