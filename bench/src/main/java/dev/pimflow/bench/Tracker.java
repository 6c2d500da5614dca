package dev.pimflow.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;

/**
 * Per activation, the moments the load generator saw (request sent, challenge seen, approval sent, active seen, close
 * sent, revocation seen, in System.nanoTime) and what it was told; per second, how many of each happened. All latencies
 * are computed from these at the end, so every system (orchestrator, engine floor, plain pipeline) is measured alike.
 */
final class Tracker {
    static final int MAX_SECONDS = 4 * 3600;

    volatile long t0 = System.nanoTime();
    volatile long epoch0 = System.currentTimeMillis();
    final Map<String, Rec> byTicket = new ConcurrentHashMap<>();
    final AtomicLong outstanding = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong activeNow = new AtomicLong();
    final AtomicLong peakActive = new AtomicLong();
    final Map<String, AtomicLong> failureReasons = new ConcurrentHashMap<>();
    private final Map<String, AtomicLongArray> perSecond = new LinkedHashMap<>();
    volatile Listener listener = new Listener() {};

    interface Listener {
        default void onActive(Rec r) {}

        default void onFinished(Rec r) {}
    }

    static final class Rec {
        final int index;
        final String ticket;
        final String principal;
        final String scope;
        volatile String activationId;
        volatile String challengeId;
        volatile long requested;
        volatile long challenged;
        volatile long approved;
        volatile long active;
        volatile long closed;
        volatile long revoked;
        volatile long endEpochMs;
        volatile long revokedEpochMs;
        volatile String revokeReason;
        volatile String failure;
        volatile Object attachment;

        Rec(int index, String ticket, String principal, String scope) {
            this.index = index;
            this.ticket = ticket;
            this.principal = principal;
            this.scope = scope;
        }
    }

    Tracker() {
        for (String s : List.of("requested", "challenged", "approved", "active", "closed", "revoked", "failed")) {
            perSecond.put(s, new AtomicLongArray(MAX_SECONDS));
        }
    }

    /** Starts the clock of the timeline (and of epochMs) now; call before the first request. */
    void restart() {
        t0 = System.nanoTime();
        epoch0 = System.currentTimeMillis();
    }

    long now() {
        return System.nanoTime();
    }

    double seconds(long nanos) {
        return (nanos - t0) / 1e9;
    }

    /** The wall-clock time (epoch ms) of a nanoTime stamp. */
    long epochMs(long nanos) {
        return epoch0 + (nanos - t0) / 1_000_000;
    }

    private void tick(String what, long at) {
        int s = (int) ((at - t0) / 1_000_000_000L);
        if (s >= 0 && s < MAX_SECONDS) {
            perSecond.get(what).incrementAndGet(s);
        }
    }

    Rec newRec(int index, String ticket, String principal, String scope) {
        Rec r = new Rec(index, ticket, principal, scope);
        byTicket.put(ticket, r);
        outstanding.incrementAndGet();
        return r;
    }

    Rec get(String ticket) {
        return ticket == null ? null : byTicket.get(ticket);
    }

    void requested(Rec r) {
        r.requested = now();
        tick("requested", r.requested);
    }

    boolean challenged(Rec r, String challengeId, String activationId) {
        if (r.challenged != 0) {
            return false; // a duplicate delivery (at-least-once): the first one counts
        }
        r.challenged = now();
        r.challengeId = challengeId;
        r.activationId = activationId;
        tick("challenged", r.challenged);
        return true;
    }

    void approved(Rec r) {
        r.approved = now();
        tick("approved", r.approved);
    }

    void active(Rec r, long endEpochMs) {
        if (r.active != 0) {
            return;
        }
        r.active = now();
        r.endEpochMs = endEpochMs;
        tick("active", r.active);
        long n = activeNow.incrementAndGet();
        peakActive.accumulateAndGet(n, Math::max);
        listener.onActive(r);
    }

    void closed(Rec r) {
        r.closed = now();
        tick("closed", r.closed);
    }

    void revoked(Rec r, String reason, long revokedEpochMs) {
        if (r.revoked != 0) {
            return;
        }
        r.revoked = now();
        r.revokeReason = reason;
        r.revokedEpochMs = revokedEpochMs;
        tick("revoked", r.revoked);
        if (r.active != 0) {
            activeNow.decrementAndGet();
        }
        outstanding.decrementAndGet();
        listener.onFinished(r);
    }

    void failed(Rec r, String why) {
        if (r.failure != null || r.revoked != 0) {
            return;
        }
        r.failure = why;
        long at = now();
        tick("failed", at);
        failures.incrementAndGet();
        failureReasons
                .computeIfAbsent(why.length() > 120 ? why.substring(0, 120) : why, k -> new AtomicLong())
                .incrementAndGet();
        if (r.active != 0) {
            activeNow.decrementAndGet();
        }
        outstanding.decrementAndGet();
        listener.onFinished(r);
    }

    Collection<Rec> all() {
        return byTicket.values();
    }

    long countRevokedBetween(long fromNanos, long toNanos) {
        return byTicket.values().stream()
                .filter(r -> r.revoked != 0 && r.revoked >= fromNanos && r.revoked < toNanos)
                .count();
    }

    // ------------------------------------------------------------------ results

    /** Per-second counts, [0, upTo) seconds since t0. */
    Map<String, long[]> timeline(int seconds) {
        Map<String, long[]> m = new LinkedHashMap<>();
        int n = Math.min(seconds, MAX_SECONDS);
        perSecond.forEach((k, v) -> {
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = v.get(i);
            }
            m.put(k, a);
        });
        return m;
    }

    interface Stage {
        long from(Rec r);

        long to(Rec r);
    }

    static final Map<String, Stage> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("request->challenge", stage(r -> r.requested, r -> r.challenged));
        STAGES.put("challenge->approval (bench)", stage(r -> r.challenged, r -> r.approved));
        STAGES.put("approval->active", stage(r -> r.approved, r -> r.active));
        STAGES.put("close->revoked", stage(r -> r.closed, r -> r.revoked));
        STAGES.put("request->revoked (whole lifecycle)", stage(r -> r.requested, r -> r.revoked));
    }

    private static Stage stage(ToLongFunction<Rec> from, ToLongFunction<Rec> to) {
        return new Stage() {
            public long from(Rec r) {
                return from.applyAsLong(r);
            }

            public long to(Rec r) {
                return to.applyAsLong(r);
            }
        };
    }

    /** Latency histograms (microseconds) of each stage, over the activations that match. */
    Map<String, Histogram> histograms(Predicate<Rec> include) {
        Map<String, Histogram> m = new LinkedHashMap<>();
        List<Rec> included = byTicket.values().stream().filter(include).toList();
        STAGES.forEach((name, st) -> m.put(name, latencies(included, st::from, st::to)));
        return m;
    }

    /** Latencies (microseconds, at least 1) from {@code from} to {@code to} of the records where both are set (0 = not). */
    static Histogram latencies(Iterable<Rec> recs, ToLongFunction<Rec> from, ToLongFunction<Rec> to) {
        // auto-resizing: a timers run's request -> revoked spans its whole build-up (over an hour at 100,000)
        Histogram h = new Histogram(3);
        for (Rec r : recs) {
            long f = from.applyAsLong(r);
            long t = to.applyAsLong(r);
            if (f != 0 && t != 0 && t >= f) {
                h.recordValue(Math.max(1, (t - f) / 1000));
            }
        }
        return h;
    }

    static Map<String, Object> summary(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return m;
        }
        m.put("p50ms", ms(h.getValueAtPercentile(50)));
        m.put("p90ms", ms(h.getValueAtPercentile(90)));
        m.put("p99ms", ms(h.getValueAtPercentile(99)));
        m.put("p999ms", ms(h.getValueAtPercentile(99.9)));
        m.put("maxms", ms(h.getMaxValue()));
        m.put("meanms", ms((long) h.getMean()));
        return m;
    }

    static double ms(long micros) {
        return Math.round(micros / 100.0) / 10.0;
    }

    List<String> failureSummary() {
        List<String> out = new ArrayList<>();
        failureReasons.forEach((k, v) -> out.add(v.get() + " x " + k));
        return out;
    }
}
