package dev.pimflow.workflow.metrics;

import dev.pimflow.pim.graph.GraphThrottle;
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
 *       total, calls of this node waited for a {@code Retry-After} before sending.</li>
 * </ul>
 */
@Component
public class GraphThrottleMeters {
    public static final String THROTTLED_UNTIL = "pimflow.graph.throttled.until";
    public static final String WAIT = "pimflow.graph.throttle.wait";

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
                .description("Time calls to Graph waited for a Retry-After before sending")
                .register(registry);
    }
}
