package dev.pimflow.pim.graph;

import static dev.pimflow.pim.graph.GraphJson.MAPPER;
import static dev.pimflow.pim.graph.GraphJson.field;
import static dev.pimflow.pim.graph.GraphJson.text;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Graph over HTTP for {@link GraphPimClient}: the bearer token, one request with its log line, the in-call retries,
 * paging, and error answers mapped by {@link GraphErrors}. Logs under {@code GraphPimClient}'s name, which is what
 * operators configure. Tokens, the app's and a signed-in person's ({@link #callAs}), never reach the log or an
 * exception's message.
 */
final class GraphHttp {

    private static final Logger log = LoggerFactory.getLogger(GraphPimClient.class);
    /**
     * Error codes that callers treat as an outcome, not a fault, logged at INFO: removing an assignment that PIM already
     * ended (every revocation at the end of a duration races PIM's own expiry) answers {@code RoleAssignmentDoesNotExist};
     * a person a ticket system names who is not in the directory, or is found by mail rather than user principal name,
     * answers {@code Request_ResourceNotFound} (bad input, or the way to the answer, not a fault of Graph's).
     */
    private static final Set<String> EXPECTED_OUTCOMES =
            Set.of("RoleAssignmentDoesNotExist", "Request_ResourceNotFound");

    private static final Duration TOKEN_REFRESH_MARGIN = Duration.ofMinutes(2);
    private static final int MAX_PAGES = 1000;

    private final GraphClientSettings settings;
    private final TokenCredential credential;
    private final String scope;
    private final HttpClient http;
    private final URI base;
    private final GraphThrottle throttle;
    private AccessToken token; // guarded by this

    GraphHttp(GraphClientSettings settings, TokenCredential credential, String scope, GraphThrottle throttle) {
        this.settings = settings;
        this.throttle = throttle;
        this.credential = credential;
        this.scope = scope;
        this.base = URI.create(settings.baseUrl());
        Duration connect = settings.requestTimeout().compareTo(Duration.ofSeconds(10)) < 0
                ? settings.requestTimeout()
                : Duration.ofSeconds(10);
        this.http = HttpClient.newBuilder()
                .connectTimeout(connect)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** GET a collection, following {@code @odata.nextLink} until it is absent. */
    List<JsonNode> list(String pathAndQuery) {
        List<JsonNode> items = new ArrayList<>();
        String next = pathAndQuery;
        for (int pages = 0; next != null; pages++) {
            if (pages == MAX_PAGES) {
                throw new PimException(
                        Kind.INCIDENT,
                        "TooManyPages",
                        "TooManyPages: more than " + MAX_PAGES + " pages at " + pathAndQuery);
            }
            JsonNode page = call("GET", next, null);
            JsonNode value = field(page, "value");
            if (value == null || !value.isArray()) {
                throw new PimException(
                        Kind.INCIDENT,
                        "UnparsableResponse",
                        "UnparsableResponse: no 'value' array from " + pathAndQuery);
            }
            value.forEach(items::add);
            next = text(page, "@odata.nextLink");
        }
        return items;
    }

    /**
     * Calls Graph as the app; 429, 503, 504 and transport failures are retried in-call with back-off (honouring
     * {@code Retry-After} up to the longest wait we block a worker for), a 401 once with a fresh token. Every attempt
     * first waits out the node's {@link GraphThrottle}, which every 429 (and 503 with {@code Retry-After}) moves.
     */
    JsonNode call(String method, String pathOrUrl, JsonNode body) {
        return call(method, pathOrUrl, body, null);
    }

    /**
     * One call as a signed-in person, with their delegated access token instead of the app's: the same throttle, retries
     * and log lines as {@link #call}, but a 401 is not retried with a fresh token (there is none to get: the person signs
     * in again), it is DENY. The token is handed down to each attempt's request and kept nowhere.
     */
    JsonNode callAs(String delegatedAccessToken, String method, String pathOrUrl, JsonNode body) {
        requireBearerToken(delegatedAccessToken);
        return call(method, pathOrUrl, body, delegatedAccessToken);
    }

    /** @param delegatedToken the signed-in person's token, or null for the app's own */
    private JsonNode call(String method, String pathOrUrl, JsonNode body, String delegatedToken) {
        URI uri = uri(pathOrUrl);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        boolean tokenRefreshed = false;
        for (int attempt = 1; ; attempt++) {
            throttle.awaitClear(settings.maxBackoff(), method, target);
            Attempt outcome = attempt(method, uri, target, body, delegatedToken, attempt);
            throttle.sent(method, outcome.status());
            if (outcome.failure() == null) {
                return outcome.answer();
            }
            PimException failure = throttle.believable(outcome.failure(), method, target);
            int status = outcome.status();
            Duration wait = failure.retryAfter() != null ? failure.retryAfter() : backoff(attempt);
            boolean throttled = status == 429 || (status == 503 && failure.retryAfter() != null);
            if (throttled) {
                throttle.throttle(wait); // every call of this node waits, not only this one
            }
            if (status == 401 && delegatedToken != null) {
                throw delegatedTokenRefused(failure);
            }
            if (status == 401 && !tokenRefreshed && attempt < settings.maxAttempts()) {
                tokenRefreshed = true; // a revoked or clock-skewed token: try once more with a fresh one
                invalidateToken();
                continue;
            }
            boolean retryable = status == 0 || status == 429 || status == 503 || status == 504;
            if (!retryable || attempt >= settings.maxAttempts()) {
                throw failure;
            }
            if (wait.compareTo(settings.maxBackoff()) > 0) {
                throw failure; // longer than we block a worker for: the caller retries after retryAfter()
            }
            if (!throttled) {
                sleep(wait, method, target); // a throttled call waits at the top of the loop, with every other call
            }
        }
    }

    /** One request: Graph's answer, or the failure with the HTTP status (0 when Graph did not answer). */
    private Attempt attempt(String method, URI uri, String target, JsonNode body, String delegatedToken, int attempt) {
        String clientRequestId = UUID.randomUUID().toString();
        HttpRequest request = request(method, uri, body, delegatedToken, clientRequestId);
        long started = System.nanoTime();
        try {
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            long ms = (System.nanoTime() - started) / 1_000_000;
            return answered(response, method, target, ms, clientRequestId, attempt);
        } catch (HttpTimeoutException e) {
            log.warn(
                    "Graph {} {} timed out (client-request-id {}, attempt {}/{})",
                    method,
                    target,
                    clientRequestId,
                    attempt,
                    settings.maxAttempts());
            String text =
                    "Timeout: Graph did not answer " + method + " " + target + " within " + settings.requestTimeout();
            return new Attempt(null, new PimException(Kind.RETRY, "Timeout", text, 0, null, e), 0);
        } catch (IOException e) {
            log.warn(
                    "Graph {} {} failed: {} (client-request-id {}, attempt {}/{})",
                    method,
                    target,
                    e.toString(),
                    clientRequestId,
                    attempt,
                    settings.maxAttempts());
            String text = "ConnectionFailed: " + method + " " + target + ": " + e;
            return new Attempt(null, new PimException(Kind.RETRY, "ConnectionFailed", text, 0, null, e), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            String text = "Interrupted while calling Graph " + method + " " + target;
            throw new PimException(Kind.RETRY, "Interrupted", text, 0, null, e);
        }
    }

    private HttpRequest request(String method, URI uri, JsonNode body, String delegatedToken, String clientRequestId) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Authorization", "Bearer " + (delegatedToken != null ? delegatedToken : token()))
                .header("Accept", "application/json")
                .header("client-request-id", clientRequestId)
                .header("return-client-request-id", "true");
        if (body == null) {
            return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        return builder.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
    }

    /** Graph answered: its JSON on 2xx, otherwise the mapped failure, logged by how much it matters. */
    private Attempt answered(
            HttpResponse<String> response, String method, String target, long ms, String clientRequestId, int attempt) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            log.debug("Graph {} {} -> {} in {} ms (client-request-id {})", method, target, status, ms, clientRequestId);
            return new Attempt(parse(response.body(), method, target), null, status);
        }
        PimException failure = GraphErrors.error(status, response.body(), response.headers());
        String requestId = response.headers().firstValue("request-id").orElse("-");
        // an expected outcome is news, not a fault: INFO, and without the attempt count
        boolean expected = EXPECTED_OUTCOMES.contains(failure.code());
        log.atLevel(expected ? Level.INFO : Level.WARN)
                .log(
                        "Graph {} {} -> {} {} in {} ms (client-request-id {}, request-id {}{})",
                        method,
                        target,
                        status,
                        failure.code(),
                        ms,
                        clientRequestId,
                        requestId,
                        expected ? "" : ", attempt " + attempt + "/" + settings.maxAttempts());
        return new Attempt(null, failure, status);
    }

    private record Attempt(JsonNode answer, PimException failure, int status) {}

    /**
     * Graph refused a person's token (expired, revoked, for another audience): DENY, with Graph's reason, which names no
     * token. Unlike the app's, it cannot be refreshed here: the person has to sign in again.
     */
    private static PimException delegatedTokenRefused(PimException failure) {
        String reason = failure.getMessage();
        return new PimException(
                Kind.DENY,
                "DelegatedTokenRejected",
                "DelegatedTokenRejected: Graph refused the signed-in person's access token (" + reason
                        + "); a delegated token is not refreshed: the person must sign in again",
                failure.httpStatus(),
                null,
                failure);
    }

    /**
     * A bearer token is RFC 6750's {@code b64token}: anything else (a blank, a line break) is refused before it could be
     * sent, with a message that does not repeat it.
     */
    private static void requireBearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("delegatedAccessToken is required");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || "-._~+/=".indexOf(c) >= 0;
            if (!allowed) {
                throw new IllegalArgumentException(
                        "delegatedAccessToken is not a bearer token: character " + (i + 1) + " is not allowed in one");
            }
        }
    }

    private URI uri(String pathOrUrl) {
        if (!pathOrUrl.startsWith("http://") && !pathOrUrl.startsWith("https://")) {
            return URI.create(settings.baseUrl() + pathOrUrl);
        }
        URI next = URI.create(pathOrUrl);
        // A nextLink is followed verbatim, but only to the host we trust with the bearer token.
        if (!next.getScheme().equalsIgnoreCase(base.getScheme())
                || !next.getHost().equalsIgnoreCase(base.getHost())
                || effectivePort(next) != effectivePort(base)) {
            throw new PimException(
                    Kind.INCIDENT,
                    "UnexpectedNextLink",
                    "UnexpectedNextLink: Graph pointed paging at " + next.getScheme() + "://" + next.getAuthority());
        }
        return next;
    }

    private static int effectivePort(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private Duration backoff(int attempt) {
        long initial = settings.initialBackoff().toMillis();
        long cap = settings.maxBackoff().toMillis();
        long exponential = initial << Math.min(attempt - 1, 20);
        long ceiling = Math.min(cap, exponential < 0 ? cap : exponential);
        // "equal jitter": half fixed, half random, so concurrent callers spread out but still back off
        long millis = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        return Duration.ofMillis(millis);
    }

    private static void sleep(Duration wait, String method, String target) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PimException(
                    Kind.RETRY,
                    "Interrupted",
                    "Interrupted while waiting to retry " + method + " " + target,
                    0,
                    null,
                    e);
        }
    }

    private static JsonNode parse(String body, String method, String target) {
        if (body == null || body.isBlank()) {
            return MAPPER.createObjectNode();
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new PimException(
                    Kind.INCIDENT,
                    "UnparsableResponse",
                    "UnparsableResponse: Graph answered " + method + " " + target + " with something that is not JSON",
                    0,
                    null,
                    e);
        }
    }

    private synchronized String token() {
        if (token == null
                || token.getExpiresAt() == null
                || token.getExpiresAt().toInstant().minus(TOKEN_REFRESH_MARGIN).isBefore(Instant.now())) {
            AccessToken fresh;
            try {
                fresh = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
            } catch (ClientAuthenticationException e) {
                throw new PimException(
                        Kind.INCIDENT,
                        "TokenAcquisitionFailed",
                        "TokenAcquisitionFailed: " + e.getMessage(),
                        0,
                        null,
                        e);
            } catch (RuntimeException e) {
                throw new PimException(
                        Kind.RETRY, "TokenAcquisitionFailed", "TokenAcquisitionFailed: " + e.getMessage(), 0, null, e);
            }
            if (fresh == null || fresh.getToken() == null) {
                throw new PimException(
                        Kind.INCIDENT,
                        "TokenAcquisitionFailed",
                        "TokenAcquisitionFailed: the credential returned no token");
            }
            token = fresh;
        }
        return token.getToken();
    }

    private synchronized void invalidateToken() {
        token = null;
    }
}
