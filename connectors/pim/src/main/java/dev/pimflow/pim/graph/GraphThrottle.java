package dev.pimflow.pim.graph;

import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One node's view of "Graph says wait until T" (DESIGN 9.4): every 429, and every 503 with {@code Retry-After}, that
 * any call of this node receives moves T to {@code now + Retry-After} (never earlier), and every call checks T before
 * it sends. While Graph says wait no request goes out: a call whose remaining wait is within {@code maxBackoff} sleeps
 * until T, a longer one fails at once with a RETRY {@link PimException} whose {@link PimException#retryAfter()} is the
 * remaining wait, without sending. Graph counts throttled requests against the quota too, so concurrent calls that each
 * retried on their own would keep it exhausted.
 *
 * <p>One instance per orchestrator node, shared by everything on the node that calls Graph as the same app; thread-safe.
 * {@link #throttledUntil()} and {@link #waited()} are for metrics and health.
 */
public final class GraphThrottle {

    /** How a call waits: {@link TimeUnit#sleep} in production, at least the duration. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final AtomicReference<Instant> until = new AtomicReference<>(Instant.EPOCH);
    private final AtomicLong waitedNanos = new AtomicLong();
    private final AtomicLong waits = new AtomicLong();

    /** The system clock, and real sleeps. */
    public GraphThrottle() {
        this(Clock.systemUTC(), d -> TimeUnit.NANOSECONDS.sleep(d.toNanos()));
    }

    public GraphThrottle(Clock clock, Sleeper sleeper) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** When Graph's last {@code Retry-After} seen by this node ends, if that is still ahead. */
    public Optional<Instant> throttledUntil() {
        Instant t = until.get();
        return t.isAfter(clock.instant()) ? Optional.of(t) : Optional.empty();
    }

    /** Time calls of this node have spent waiting for Graph's {@code Retry-After}, in total. */
    public Duration waited() {
        return Duration.ofNanos(waitedNanos.get());
    }

    /** How many times a call of this node waited for Graph's {@code Retry-After}. */
    public long waits() {
        return waits.get();
    }

    /** Graph said wait {@code retryAfter}: T becomes the later of the current T and {@code now + retryAfter}. */
    void throttle(Duration retryAfter) {
        if (retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) {
            return;
        }
        Instant t = clock.instant().plus(retryAfter);
        until.accumulateAndGet(t, (current, next) -> next.isAfter(current) ? next : current);
    }

    /**
     * Returns once Graph no longer says wait: at once if it does not, after sleeping until T if that is within
     * {@code maxBackoff} (again if T moved meanwhile); a longer wait throws RETRY with the remaining wait, and nothing
     * is sent.
     */
    void awaitClear(Duration maxBackoff, String method, String target) {
        for (; ; ) {
            Instant now = clock.instant();
            Instant t = until.get();
            if (!t.isAfter(now)) {
                return;
            }
            Duration remaining = Duration.between(now, t);
            if (remaining.compareTo(maxBackoff) > 0) {
                throw new PimException(
                        Kind.RETRY,
                        "TooManyRequests",
                        "TooManyRequests: Graph asked this node to wait until " + t + "; " + method + " " + target
                                + " was not sent",
                        429, // nothing was sent: Graph's earlier 429 still holds, and jobs treat this as throttling
                        remaining,
                        null);
            }
            try {
                sleeper.sleep(remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PimException(
                        Kind.RETRY,
                        "Interrupted",
                        "Interrupted while waiting for Graph's Retry-After before " + method + " " + target,
                        0,
                        null,
                        e);
            } finally {
                Duration slept = Duration.between(now, clock.instant());
                waitedNanos.addAndGet(slept.isNegative() ? 0 : slept.toNanos());
                waits.incrementAndGet();
            }
        }
    }
}
