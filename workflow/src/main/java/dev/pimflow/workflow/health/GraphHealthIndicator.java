package dev.pimflow.workflow.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.pim.graph.GraphThrottle;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.directory.GraphEndpoint;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * {@code graph}: the Graph base URL the orchestrator's PIM directory calls ({@link GraphEndpoint}) answers within
 * {@code management.health.graph.timeout} (default 5 s). With {@code pim.graph.auth=simulator} that is the simulator's
 * {@code GET /_simulator/health}, which must say UP; for Microsoft Graph any HTTP answer of the base URL counts (without a
 * token Graph answers 401): it proves name resolution, the network path, any proxy and TLS, not the credentials.
 * No token is sent. Off with {@code management.health.graph.enabled=false}.
 *
 * <p>While Graph has told this node to wait (a 429, or a 503 with {@code Retry-After}: {@link GraphThrottle}) the detail
 * {@code throttledUntil} says until when, and the status stays what the check finds: a throttled Graph is reachable and
 * answering, and the node holds its calls back on purpose. DOWN would get the node restarted or taken out of rotation,
 * which cannot help (the quota belongs to the app and tenant, not to the node) and would only add requests later.
 */
@Component("graphHealthIndicator")
@ConditionalOnEnabledHealthIndicator("graph")
public class GraphHealthIndicator extends AbstractHealthIndicator {
    private final String baseUrl;
    private final boolean simulator;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final GraphThrottle throttle;

    public GraphHealthIndicator(
            GraphEndpoint endpoint,
            PimProperties properties,
            GraphThrottle throttle,
            @Value("${management.health.graph.timeout:PT5S}") Duration timeout) {
        super("Graph health check failed");
        this.throttle = throttle;
        this.baseUrl = endpoint.baseUrl();
        this.simulator = "simulator".equalsIgnoreCase(properties.graph().auth());
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .proxy(ProxySelector.getDefault())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        builder.withDetail("baseUrl", baseUrl).withDetail("mode", simulator ? "simulator" : "graph");
        // a detail, not a status: Graph throttling this node is Graph answering (see the class comment)
        throttle.throttledUntil().ifPresent(t -> builder.withDetail("throttledUntil", t.toString()));
        URI target = simulator ? simulatorHealth(URI.create(baseUrl)) : URI.create(baseUrl);
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(target).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            builder.down().withDetail("error", "no answer from " + target + " within " + timeout);
            return;
        } catch (IOException e) {
            builder.down().withDetail("error", "cannot reach " + target + ": " + e);
            return;
        }
        builder.withDetail("httpStatus", response.statusCode());
        if (!simulator) {
            builder.up();
            return;
        }
        String status = response.statusCode() == 200 ? status(response.body()) : null;
        if ("UP".equals(status)) {
            builder.up();
        } else {
            builder.down()
                    .withDetail(
                            "error",
                            target + " answered " + response.statusCode()
                                    + (status == null ? "" : " status " + status));
        }
    }

    /** {@code http://host:8090/v1.0} -> {@code http://host:8090/_simulator/health}. */
    static URI simulatorHealth(URI base) {
        return base.resolve("/_simulator/health");
    }

    private String status(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node.path("status").asText(null);
        } catch (IOException e) {
            return null;
        }
    }
}
