package dev.pimflow.workflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One orchestrator node: the packaged jar ({@code -Dpimflow.jar}, set by failsafe) started with {@code java -jar} as a
 * separate JVM, configured through environment variables, its output appended to
 * {@code workflow/target/it-logs/<test>-<node>.log}. {@link #kill()} is {@code kill -9}; {@link #start()} again runs a
 * new JVM on the same settings (same database, same port).
 */
public final class JarNode implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Small heap, C1 only and the serial collector: the machine is shared; startup matters more than peak speed. */
    private static final List<String> JVM_OPTIONS =
            List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k");

    private final String name;
    private final int port;
    private final Map<String, String> env;
    private final List<String> args;
    private final Path log;
    private final String adminPassword;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    JarNode(String name, int port, Map<String, String> env, List<String> args, Path log, String adminPassword) {
        this.name = name;
        this.port = port;
        this.env = new LinkedHashMap<>(env);
        this.args = List.copyOf(args);
        this.log = log;
        this.adminPassword = adminPassword;
    }

    public static Path jar() {
        String jar = System.getProperty("pimflow.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(
                    "system property pimflow.jar does not name the packaged orchestrator (" + jar
                            + "): run the *IT classes through failsafe (./mvnw -pl workflow verify), which sets it after 'package'");
        }
        return Path.of(jar).toAbsolutePath();
    }

    /** {@code workflow/target/it-logs}, beside the jar. */
    public static Path logDir() {
        return jar().getParent().resolve("it-logs");
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public Path log() {
        return log;
    }

    /** Changes a setting for the next {@link #start()} (e.g. turn the outbox relay back on). */
    public JarNode set(String variable, String value) {
        env.put(variable, value);
        return this;
    }

    public synchronized JarNode start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // nothing of the test JVM's own environment may configure the node by accident
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("PIM_")
                        || k.startsWith("SPRING_")
                        || k.startsWith("CAMUNDA_")
                        || k.startsWith("SERVER_")
                        || k.startsWith("JAVA_TOOL_OPTIONS")
                        || k.startsWith("JDK_JAVA_OPTIONS"));
        pb.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            starts++;
            Files.writeString(
                    log,
                    "%n===== %s: start #%d of node %s on port %d =====%n".formatted(Instant.now(), starts, name, port),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            process = pb.start();
            Files.writeString(
                    log,
                    "===== pid %d =====%n".formatted(process.pid()),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name, e);
        }
        return this;
    }

    /** Polls {@code /actuator/health} until it says UP; fails early, with the log's tail, if the JVM exits. */
    public JarNode awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Instant started = Instant.now();
        while (Instant.now().isBefore(deadline)) {
            if (!isAlive()) {
                throw new IllegalStateException("node " + name + " exited with " + process.exitValue()
                        + " while starting; log " + log + ":\n" + tail(60));
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                                .timeout(Duration.ofSeconds(2))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200
                        && JSON.readTree(r.body()).path("status").asText().equals("UP")) {
                    System.out.printf(
                            "[it] node %s (pid %d) UP after %d ms%n",
                            name,
                            process.pid(),
                            Duration.between(started, Instant.now()).toMillis());
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        throw new IllegalStateException(
                "node " + name + " not UP within " + timeout + "; log " + log + ":\n" + tail(60));
    }

    public JarNode startAndAwaitReady() {
        return start().awaitReady(Duration.ofSeconds(120));
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** {@code kill -9}: {@link Process#destroyForcibly()} sends SIGKILL on Linux; no shutdown hook, no graceful stop. */
    public synchronized void kill() {
        if (!isAlive()) {
            return;
        }
        long pid = process.pid();
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + name + " (pid " + pid + ") did not die after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        System.out.printf("[it] node %s (pid %d) killed with SIGKILL, exit %d%n", name, pid, process.exitValue());
        appendToLog("===== %s: killed with SIGKILL (pid %d, exit %d) =====%n"
                .formatted(Instant.now(), pid, process.exitValue()));
    }

    @Override
    public void close() {
        kill();
    }

    // ------------------------------------------------------------------ the product's REST API (HTTP Basic)

    public JsonNode getJson(String path) {
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + path + " on " + name + " answered " + r.statusCode() + ": " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(15))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8)));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on " + name + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code GET /api/activations?ticket=…}: the activation rows of a ticket. */
    public List<JsonNode> activations(String ticketNumber) {
        List<JsonNode> out = new ArrayList<>();
        getJson("/api/activations?ticket=" + java.net.URLEncoder.encode(ticketNumber, StandardCharsets.UTF_8))
                .forEach(out::add);
        return out;
    }

    /** {@code GET /api/activations/{id}}: the activation with its audit records. */
    public JsonNode activation(String activationId) {
        return getJson("/api/activations/" + activationId);
    }

    /** The audit actions of an activation, in chain order. */
    public List<String> auditActions(String activationId) {
        List<String> actions = new ArrayList<>();
        activation(activationId)
                .path("audit")
                .forEach(r -> actions.add(r.path("action").asText()));
        return actions;
    }

    /** {@code GET /api/audit/verify}. */
    public JsonNode verifyAudit() {
        return getJson("/api/audit/verify");
    }

    // ------------------------------------------------------------------ log

    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** How many lines of this node's log (all its runs) contain the text. */
    public long logLinesContaining(String text) {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private void appendToLog(String text) {
        try {
            Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is a help, not a result
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "node " + name + " (" + baseUrl() + (isAlive() ? ", pid " + process.pid() : ", not running") + ")";
    }
}
