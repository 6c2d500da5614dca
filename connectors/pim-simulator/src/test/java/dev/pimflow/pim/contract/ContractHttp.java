package dev.pimflow.pim.contract;

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

/** Plain HTTP to a Graph base URL (the simulator or a real tenant): what any Graph client sends, nothing more. */
final class ContractHttp {

    /** One answer: status, headers and the body (null when there is none). */
    record Response(String method, String url, int status, JsonNode body, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return method + " " + url + " -> " + status + " " + (raw.body() == null ? "" : raw.body());
        }
    }

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;

    ContractHttp(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Percent-encodes a query value (spaces as %20, as Graph's own links do). */
    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code target} is a path under the base URL, or an absolute URL (an {@code @odata.nextLink}, followed verbatim). */
    Response send(String method, String target, String token, String json) {
        return send(method, target, token, json, UUID.randomUUID().toString());
    }

    Response send(String method, String target, String token, String json, String clientRequestId) {
        String url = target.startsWith("http://") || target.startsWith("https://") ? target : baseUrl + target;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.header("client-request-id", clientRequestId);
        b.header("Accept", "application/json");
        if (json != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body() == null || r.body().isBlank() ? null : MAPPER.readTree(r.body());
            return new Response(method, url, r.statusCode(), body, r);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
