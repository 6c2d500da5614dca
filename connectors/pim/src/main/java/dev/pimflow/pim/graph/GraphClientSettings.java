package dev.pimflow.pim.graph;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link GraphPimClient} talks to Graph.
 *
 * @param baseUrl e.g. {@code https://graph.microsoft.com/v1.0} or the simulator's {@code http://localhost:8090/v1.0}
 * @param requestTimeout per HTTP attempt
 * @param maxAttempts attempts per call for throttling (429), 503, 504, timeouts and connection failures
 * @param initialBackoff first back-off when Graph sends no {@code Retry-After}; doubles per attempt, with jitter
 * @param maxBackoff the longest the client waits in-call; a longer {@code Retry-After} is handed to the caller
 */
public record GraphClientSettings(
        String baseUrl, Duration requestTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static final String GRAPH_V1 = "https://graph.microsoft.com/v1.0";

    public GraphClientSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        baseUrl = baseUrl.trim();
        while (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new IllegalArgumentException("baseUrl must be an http(s) URL, got " + baseUrl);
        }
        requirePositive(requestTimeout, "requestTimeout");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
        }
    }

    /** 30 s per attempt, 4 attempts, back-off from 500 ms up to 30 s. */
    public static GraphClientSettings defaults(String baseUrl) {
        return new GraphClientSettings(
                baseUrl, Duration.ofSeconds(30), 4, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
