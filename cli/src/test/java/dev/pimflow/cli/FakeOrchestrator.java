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
 * A stand-in for the orchestrator's REST API ({@code ActivationController}): HTTP Basic as admin with {@link #PASSWORD}
 * (401 otherwise, as Spring Security answers), and canned answers per {@code METHOD path}; unknown paths get 404
 * {@code {"error": ...}}. Records every request.
 */
final class FakeOrchestrator implements AutoCloseable {
    static final String USER = "admin";
    static final String PASSWORD = "Fake-Admin-Pa55word-9f3k";

    record Request(String method, String path, String query, String authorization, String body, String userAgent) {}

    private record Reply(int status, String json) {}

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();

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
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        requests.add(new Request(
                method,
                path,
                ex.getRequestURI().getRawQuery(),
                auth,
                body,
                ex.getRequestHeaders().getFirst("User-Agent")));
        String expected =
                "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        Reply reply;
        if (!expected.equals(auth)) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Realm\"");
            reply = new Reply(401, "");
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
