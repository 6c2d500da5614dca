package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** Raw HTTP against the simulator, the way curl or another Graph client would call it. */
public final class GraphHttp {

    public record Response(int status, JsonNode body, HttpResponse<String> raw) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public GraphHttp(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** URL-encodes one query value. */
    public static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    public Response post(String path, String token, String json) {
        return send("POST", path, token, json, null);
    }

    public Response patch(String path, String token, String json) {
        return send("PATCH", path, token, json, null);
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, token, null, null);
    }

    /** path is relative to /v1.0 unless it is a full URL or starts with /_simulator. */
    public Response send(String method, String path, String token, String json, String clientRequestId) {
        String url = path.startsWith("http")
                ? path
                : path.startsWith("/_simulator") ? baseUrl.replace("/v1.0", "") + path : baseUrl + path;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.header(
                "client-request-id",
                clientRequestId != null ? clientRequestId : UUID.randomUUID().toString());
        if (json != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body() == null || r.body().isEmpty() ? null : MAPPER.readTree(r.body());
            return new Response(r.statusCode(), body, r);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
