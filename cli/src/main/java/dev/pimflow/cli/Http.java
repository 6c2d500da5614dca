package dev.pimflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Map;

/**
 * The HTTP calls of pimctl (Graph in {@code tutorial} and {@code demo}, the orchestrator's REST API), each bounded by one
 * timeout, with every transport failure turned into a one-line {@link CliException}. Nothing it throws or returns holds
 * a request header, so credentials never reach an error message.
 */
final class Http {
    /** A response: its status, its body as JSON when it is JSON (else null), and the body as text. */
    record Answer(int status, JsonNode body, String raw) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** Nothing listens at the address, or its host does not resolve: the caller adds what to start or set. */
    static final class Unreachable extends CliException {
        Unreachable(String message) {
            super(message);
        }
    }

    private final HttpClient client;
    private final Duration timeout;

    Http(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    Duration timeout() {
        return timeout;
    }

    /** Sends one request; {@code json} is the body (sent as application/json) or null. */
    Answer send(String method, String url, Map<String, String> headers, String json) {
        URI uri;
        HttpRequest.Builder b;
        try {
            uri = URI.create(url);
            b = HttpRequest.newBuilder(uri).timeout(timeout);
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid URL " + url);
        }
        headers.forEach(b::header);
        b.header("Accept", "application/json");
        // the orchestrator's audit trail names the surface an operator used (pimctl or the product REST API)
        b.header("User-Agent", "pimctl");
        if (json != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), parse(r.body()), r.body());
        } catch (HttpTimeoutException e) {
            throw new CliException(
                    method + " " + url + " got no answer within " + seconds(timeout) + " s (raise --timeout)");
        } catch (ConnectException e) {
            throw new Unreachable("cannot reach " + uri.getRawAuthority() + " (connection refused)");
        } catch (UnresolvedAddressException e) {
            throw new Unreachable("cannot reach " + uri.getRawAuthority() + " (unknown host)");
        } catch (IOException e) {
            if (e.getCause() instanceof UnresolvedAddressException) {
                throw new Unreachable("cannot reach " + uri.getRawAuthority() + " (unknown host)");
            }
            throw new CliException(method + " " + url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Events.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Whole seconds as {@code 10}, anything else as {@code 1.5}. */
    static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0
                ? String.valueOf(millis / 1000)
                : String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0);
    }
}
