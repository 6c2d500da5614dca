package dev.pimflow.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the orchestrator's REST API (activations, tickets, audit, approvals): HTTP Basic as admin with
 * {@link #PASSWORD}, or as a login added with {@link #login} (401 otherwise, as Spring Security answers), and canned
 * answers per {@code METHOD path} (the query is recorded, not matched); unknown paths get 404
 * {@code {"error": ...}}. Records every request. Webhook paths ({@link #webhook}) take no login, as the orchestrator's
 * {@code /webhooks/**}: their handler sees the raw body and the headers, to check the signature as the orchestrator
 * would. Routes ({@link #route}) answer a logged-in request by what their handler makes of it (a stateful stand-in, e.g.
 * engine REST's identity endpoints).
 */
final class FakeOrchestrator implements AutoCloseable {
    static final String USER = "admin";
    static final String PASSWORD = "Fake-Admin-Pa55word-9f3k";

    record Request(
            String method,
            String path,
            String query,
            String authorization,
            String body,
            String userAgent,
            Map<String, String> headers,
            byte[] raw) {
        /** A request header (its first value), by name in any case. */
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    record Reply(int status, String json) {}

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    /** Logins besides admin (an approver, an operator), by their Authorization header. */
    private final Map<String, String> logins = new ConcurrentHashMap<>();

    private final Map<String, java.util.function.Function<Request, Reply>> webhooks = new ConcurrentHashMap<>();
    private final Map<String, java.util.function.Function<Request, Reply>> routes = new ConcurrentHashMap<>();
    /** What a webhook or route handler threw (its assertions on what pimctl sent). */
    final List<Throwable> webhookFailures = new CopyOnWriteArrayList<>();

    FakeOrchestrator() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code method path} (no query) with this status and JSON body. */
    FakeOrchestrator on(String method, String path, int status, String json) {
        replies.put(method + " " + path, new Reply(status, json));
        return this;
    }

    /** Lets {@code user} log in with {@code password} too, as admin does; the canned answers are the same. */
    FakeOrchestrator login(String user, String password) {
        logins.put(basic(user, password), user);
        return this;
    }

    /** {@code user} no longer logs in with any password it had (its password was changed). */
    FakeOrchestrator logout(String user) {
        logins.values().removeIf(user::equals);
        return this;
    }

    /** Answers a logged-in {@code method path} (no query) by what {@code handler} makes of the request. */
    FakeOrchestrator route(String method, String path, java.util.function.Function<Request, Reply> handler) {
        routes.put(method + " " + path, handler);
        return this;
    }

    /** The Authorization header of {@code user} with {@code password}. */
    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code POST path} without a login, by what {@code handler} makes of the request. */
    FakeOrchestrator webhook(String path, java.util.function.Function<Request, Reply> handler) {
        webhooks.put("POST " + path, handler);
        return this;
    }

    /** The environment a test gives pimctl: the right admin password. */
    static Map<String, String> environment() {
        return Map.of(Pimctl.PASSWORD_ENV, PASSWORD);
    }

    /** A port nothing listens on. */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        String body = new String(raw, StandardCharsets.UTF_8);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        Map<String, String> headers = new java.util.HashMap<>();
        ex.getRequestHeaders()
                .forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
        Request request = new Request(
                method,
                path,
                ex.getRequestURI().getRawQuery(),
                auth,
                body,
                ex.getRequestHeaders().getFirst("User-Agent"),
                Map.copyOf(headers),
                raw);
        requests.add(request);
        String expected = basic(USER, PASSWORD);
        Reply reply;
        java.util.function.Function<Request, Reply> webhook = webhooks.get(method + " " + path);
        if (webhook != null) {
            try {
                reply = webhook.apply(request);
            } catch (RuntimeException | AssertionError e) {
                // a failed check of the test: the test sees it in webhookFailures, pimctl a 500
                webhookFailures.add(e);
                reply = new Reply(500, "{\"error\":\"the fake's check failed\"}");
            }
        } else if (!expected.equals(auth) && (auth == null || !logins.containsKey(auth))) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Realm\"");
            reply = new Reply(401, "");
        } else if (routes.containsKey(method + " " + path)) {
            try {
                reply = routes.get(method + " " + path).apply(request);
            } catch (RuntimeException | AssertionError e) {
                webhookFailures.add(e);
                reply = new Reply(500, "{\"error\":\"the fake's check failed\"}");
            }
        } else {
            reply = replies.getOrDefault(
                    method + " " + path, new Reply(404, "{\"error\":\"no route " + method + " " + path + "\"}"));
        }
        byte[] bytes = reply.json().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0) {
            ex.getResponseHeaders().add("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
