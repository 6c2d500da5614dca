package dev.pimflow.pim.graph;

import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's view of "Graph says wait until T" (DESIGN 9.4): every 429, and every 503 with {@code Retry-After}, that
 * any call of this node receives moves T to {@code now + Retry-After} (never earlier), and every call checks T before
 * it sends. While Graph says wait no request goes out: a call whose remaining wait is within {@code maxBackoff} sleeps
 * until T, a longer one fails at once with a RETRY {@link PimException} whose {@link PimException#retryAfter()} is the
 * remaining wait, without sending. Graph counts throttled requests against the quota too, so concurrent calls that each
 * retried on their own would keep it exhausted.
 *
 * <p>A {@code Retry-After} is believed up to {@code maxRetryAfter} (5 minutes unless configured; Graph's own windows are
 * 10 and 150 seconds): a longer one is taken as {@code maxRetryAfter} and logged, so that an endpoint that answers with
 * a wait of hours or years (a fault, or whoever can point {@code pim.graph.base-url} elsewhere) cannot hold revocations
 * back for longer than that at a time. While Graph keeps saying 429, the node keeps waiting: it never calls faster than
 * Graph allows.
 *
 * <p>Writes are also paced to Graph's write quota as this node spends it ({@link WritePace}: by default none; the
 * orchestrator's is Graph's documented 3,000 per 150 seconds, {@code pim.graph.writes-per-window}): a write that
 * would be the 3,001st sent in the last 150 seconds (plus a second for the time a request takes to arrive) waits, as
 * for a {@code Retry-After}, so that one node under a burst of revocations spends the whole quota without running
 * into Graph's 429, whose answer arrives while other requests are already on their way. Reads are not paced: their
 * quota is in resource units that depend on the tenant's size; their 429s are waited out as above.
 *
 * <p>Every request the node sends passes here, so it also counts them by kind (reads are {@code GET}, everything else
 * writes, as Graph's quotas count them) and how many Graph answered with 429.
 *
 * <p>One instance per orchestrator node, shared by everything on the node that calls Graph as the same app; thread-safe.
 * {@link #throttledUntil()}, {@link #waited()} and {@link #requests(RequestKind)} are for metrics and health.
 */
public final class GraphThrottle {

    /** How a call waits: {@link TimeUnit#sleep} in production, at least the duration. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final Sleeper REAL_SLEEP = d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());

    /** The longest {@code Retry-After} believed unless configured otherwise. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(5);

    /** How Graph's quotas count a request: {@code GET} reads, every other method writes. */
    public enum RequestKind {
        READ,
        WRITE;

        public static RequestKind of(String method) {
            return "GET".equalsIgnoreCase(method) ? READ : WRITE;
        }

        /** The metric tag: {@code read}, {@code write}. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * At most {@code writesPerWindow} writes sent in any {@code window}; {@link #NONE} does not pace. Graph counts a
     * request when it arrives: a write waits until the oldest of the last {@code writesPerWindow} was sent
     * {@code window} plus {@link #ARRIVAL_MARGIN} ago.
     */
    public record WritePace(int writesPerWindow, Duration window) {
        public static final WritePace NONE = new WritePace(0, Duration.ZERO);
        /** Graph's documented write quota for identity and access, per app and tenant. */
        public static final WritePace GRAPH_DOCUMENTED = new WritePace(3000, Duration.ofSeconds(150));
        /** How much later than it was sent a request may arrive at Graph. */
        public static final Duration ARRIVAL_MARGIN = Duration.ofSeconds(1);

        public WritePace {
            Objects.requireNonNull(window, "window");
            if (writesPerWindow < 0) {
                throw new IllegalArgumentException("writesPerWindow must be 0 (no pacing) or positive");
            }
            if (writesPerWindow > 0 && (window.isNegative() || window.isZero())) {
                throw new IllegalArgumentException("window must be positive, got " + window);
            }
        }

        boolean paces() {
            return writesPerWindow > 0;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(GraphThrottle.class);

    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration maxRetryAfter;
    private final WritePace pace;
    private final ArrayDeque<Long> writesSent = new ArrayDeque<>(); // epoch millis, guarded by itself
    private final AtomicLong paced = new AtomicLong();
    private final AtomicLongArray sent = new AtomicLongArray(RequestKind.values().length);
    private final AtomicLongArray throttledAnswers = new AtomicLongArray(RequestKind.values().length);
    private final AtomicLong capped = new AtomicLong();
    private final AtomicReference<Instant> until = new AtomicReference<>(Instant.EPOCH);
    private final AtomicLong waitedNanos = new AtomicLong();
    private final AtomicLong waits = new AtomicLong();

    /** The system clock, real sleeps, {@link #DEFAULT_MAX_RETRY_AFTER}, writes not paced. */
    public GraphThrottle() {
        this(DEFAULT_MAX_RETRY_AFTER, WritePace.NONE);
    }

    public GraphThrottle(Clock clock, Sleeper sleeper) {
        this(clock, sleeper, DEFAULT_MAX_RETRY_AFTER);
    }

    public GraphThrottle(Clock clock, Sleeper sleeper, Duration maxRetryAfter) {
        this(clock, sleeper, maxRetryAfter, WritePace.NONE);
    }

    /** The system clock and real sleeps; writes paced to {@code pace}. */
    public GraphThrottle(Duration maxRetryAfter, WritePace pace) {
        this(Clock.systemUTC(), REAL_SLEEP, maxRetryAfter, pace);
    }

    public GraphThrottle(Clock clock, Sleeper sleeper, Duration maxRetryAfter, WritePace pace) {
        this.pace = Objects.requireNonNull(pace, "pace");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxRetryAfter.isNegative() || maxRetryAfter.isZero()) {
            throw new IllegalArgumentException("maxRetryAfter must be positive, got " + maxRetryAfter);
        }
        this.maxRetryAfter = maxRetryAfter;
    }

    /** The longest {@code Retry-After} this node believes. */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** Requests of this kind the node has sent to Graph (each attempt counts; a call held back here sends none). */
    public long requests(RequestKind kind) {
        return sent.get(kind.ordinal());
    }

    /** Requests of this kind that Graph answered with 429. */
    public long throttledAnswers(RequestKind kind) {
        return throttledAnswers.get(kind.ordinal());
    }

    /** How many times a write waited for the node's {@link WritePace} (or was handed back to the caller for it). */
    public long pacedWrites() {
        return paced.get();
    }

    /** How many {@code Retry-After}s were longer than {@link #maxRetryAfter()} and taken as that. */
    public long cappedRetryAfters() {
        return capped.get();
    }

    /** A request went out ({@code status} is Graph's answer, 0 when it did not answer). */
    void sent(String method, int status) {
        RequestKind kind = RequestKind.of(method);
        sent.incrementAndGet(kind.ordinal());
        if (status == 429) {
            throttledAnswers.incrementAndGet(kind.ordinal());
        }
    }

    /**
     * The failure as this node acts on it: a {@code Retry-After} longer than {@link #maxRetryAfter()} becomes that
     * (logged at WARN, counted), so neither this node's wait nor the caller's retry is postponed further.
     */
    PimException believable(PimException failure, String method, String target) {
        Duration retryAfter = failure.retryAfter();
        if (retryAfter == null || retryAfter.compareTo(maxRetryAfter) <= 0) {
            return failure;
        }
        capped.incrementAndGet();
        log.warn(
                "Graph {} {} answered {} with Retry-After {}, longer than pim.graph.max-retry-after {}: waiting {}",
                method,
                target,
                failure.httpStatus(),
                retryAfter,
                maxRetryAfter,
                maxRetryAfter);
        return new PimException(
                failure.kind(), failure.code(), failure.getMessage(), failure.httpStatus(), maxRetryAfter, failure);
    }

    /** When Graph's last {@code Retry-After} seen by this node ends, if that is still ahead. */
    public Optional<Instant> throttledUntil() {
        Instant t = until.get();
        return t.isAfter(clock.instant()) ? Optional.of(t) : Optional.empty();
    }

    /** Time calls of this node have spent waiting for Graph's {@code Retry-After} or its write pace, in total. */
    public Duration waited() {
        return Duration.ofNanos(waitedNanos.get());
    }

    /** How many times a call of this node waited for Graph's {@code Retry-After} or its write pace. */
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
     * Returns once Graph no longer says wait and, for a write, once the node's {@link WritePace} has a slot for it (the
     * slot is taken): at once if nothing holds the call back, after sleeping if the wait is within {@code maxBackoff}
     * (again if T moved or another write took the slot meanwhile); a longer wait throws RETRY 429 with the remaining
     * wait, and nothing is sent.
     */
    void awaitClear(Duration maxBackoff, String method, String target) {
        boolean write = RequestKind.of(method) == RequestKind.WRITE && pace.paces();
        for (; ; ) {
            Instant now = clock.instant();
            Instant t = until.get();
            if (!t.isAfter(now)) {
                Duration paceWait = write ? reserveWrite(now) : Duration.ZERO;
                if (paceWait.isZero()) {
                    return;
                }
                paced.incrementAndGet();
                if (paceWait.compareTo(maxBackoff) > 0) {
                    throw new PimException(
                            Kind.RETRY,
                            "TooManyRequests",
                            "TooManyRequests: this node has sent " + pace.writesPerWindow() + " writes in the last "
                                    + pace.window() + " (Graph's write quota, pim.graph.writes-per-window); " + method
                                    + " " + target + " was not sent",
                            429, // Graph's quota, kept by this node: jobs treat it as throttling
                            paceWait,
                            null);
                }
                sleep(paceWait, now, method, target);
                continue;
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
            sleep(remaining, now, method, target);
        }
    }

    /** Zero when a write may go out now (and counts it as sent), else how long until one may. */
    private Duration reserveWrite(Instant now) {
        long nowMillis = now.toEpochMilli();
        long span = pace.window().plus(WritePace.ARRIVAL_MARGIN).toMillis();
        synchronized (writesSent) {
            while (!writesSent.isEmpty() && writesSent.peekFirst() <= nowMillis - span) {
                writesSent.pollFirst();
            }
            if (writesSent.size() < pace.writesPerWindow()) {
                writesSent.addLast(nowMillis);
                return Duration.ZERO;
            }
            return Duration.ofMillis(writesSent.peekFirst() + span - nowMillis);
        }
    }

    private void sleep(Duration wait, Instant from, String method, String target) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PimException(
                    Kind.RETRY,
                    "Interrupted",
                    "Interrupted while waiting for Graph's quota before " + method + " " + target,
                    0,
                    null,
                    e);
        } finally {
            Duration slept = Duration.between(from, clock.instant());
            waitedNanos.addAndGet(slept.isNegative() ? 0 : slept.toNanos());
            waits.incrementAndGet();
        }
    }
}
