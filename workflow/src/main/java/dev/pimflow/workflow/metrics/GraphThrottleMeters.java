package dev.pimflow.workflow.metrics;

import dev.pimflow.contracts.Status;
import dev.pimflow.pim.graph.GraphThrottle;
import dev.pimflow.pim.graph.GraphThrottle.RequestKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * This node's view of Graph's {@code Retry-After} ({@link GraphThrottle}, DESIGN 9.4), per node (on N nodes, look at
 * each, or {@code max} for "is any node held back"):
 * <ul>
 *   <li>{@value #THROTTLED_UNTIL} [{@code pimflow_graph_throttled_until}]: until when Graph told this node to wait, in
 *       epoch seconds; 0 when it does not;</li>
 *   <li>{@value #WAIT} [{@code pimflow_graph_throttle_wait_seconds_count}, {@code _sum}]: how often, and how long in
 *       total, calls of this node waited for a {@code Retry-After}, or for the write pace, before sending;</li>
 *   <li>{@value #REQUESTS} [{@code pimflow_graph_requests_total{kind}}]: requests this node sent to Graph, {@code read}
 *       ({@code GET}) or {@code write} (everything else), as Graph's quotas count them; every attempt counts;</li>
 *   <li>{@value #THROTTLED} [{@code pimflow_graph_requests_throttled_total{kind}}]: of those, how many Graph answered
 *       with 429;</li>
 *   <li>{@value #PER_LIFECYCLE} [{@code pimflow_graph_requests_per_lifecycle{kind}}]: requests sent per activation
 *       requested, since this node started (what one lifecycle costs of Graph's quota, on average; a burst of
 *       revocations of activations requested before the start shows as a higher figure);</li>
 *   <li>{@value #CAPPED} [{@code pimflow_graph_retry_after_capped_total}]: {@code Retry-After}s longer than
 *       {@code pim.graph.max-retry-after}, waited only that long.</li>
 * </ul>
 */
@Component
public class GraphThrottleMeters {
    public static final String THROTTLED_UNTIL = "pimflow.graph.throttled.until";
    public static final String WAIT = "pimflow.graph.throttle.wait";
    public static final String REQUESTS = "pimflow.graph.requests";
    public static final String THROTTLED = "pimflow.graph.requests.throttled";
    public static final String PER_LIFECYCLE = "pimflow.graph.requests.per.lifecycle";
    public static final String CAPPED = "pimflow.graph.retry.after.capped";

    public GraphThrottleMeters(GraphThrottle throttle, MeterRegistry registry) {
        Gauge.builder(
                        THROTTLED_UNTIL,
                        throttle,
                        t -> t.throttledUntil()
                                .map(i -> i.toEpochMilli() / 1000.0)
                                .orElse(0.0))
                .description("Until when Graph told this node to wait (429/503 Retry-After), epoch seconds; 0 when not")
                .register(registry);
        FunctionTimer.builder(
                        WAIT, throttle, GraphThrottle::waits, t -> t.waited().toNanos(), TimeUnit.NANOSECONDS)
                .description("Time calls to Graph waited for a Retry-After or the write pace before sending")
                .register(registry);
        for (RequestKind kind : RequestKind.values()) {
            FunctionCounter.builder(REQUESTS, throttle, t -> t.requests(kind))
                    .description("Requests this node sent to Graph, by kind as Graph's quotas count them")
                    .tag("kind", kind.tag())
                    .register(registry);
            FunctionCounter.builder(THROTTLED, throttle, t -> t.throttledAnswers(kind))
                    .description("Requests Graph answered with 429, by kind")
                    .tag("kind", kind.tag())
                    .register(registry);
            Gauge.builder(PER_LIFECYCLE, throttle, t -> perActivationRequested(registry, t.requests(kind)))
                    .description("Graph requests sent per activation requested since this node started, by kind")
                    .tag("kind", kind.tag())
                    .register(registry);
        }
        FunctionCounter.builder(CAPPED, throttle, GraphThrottle::cappedRetryAfters)
                .description("Retry-After values longer than pim.graph.max-retry-after, waited only that long")
                .register(registry);
    }

    /** {@code requests} divided by the activations requested so far (0 before the first). */
    private static double perActivationRequested(MeterRegistry registry, long requests) {
        Counter requested = registry.find(PimflowMetrics.ACTIVATIONS)
                .tag("status", Status.REQUESTED.wire())
                .counter();
        double lifecycles = requested == null ? 0 : requested.count();
        return lifecycles == 0 ? 0 : requests / lifecycles;
    }
}
