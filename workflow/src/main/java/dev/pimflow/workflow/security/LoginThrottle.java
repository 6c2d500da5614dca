package dev.pimflow.workflow.security;

import dev.pimflow.workflow.config.PimProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins per client address, and the delay they earn (issue 17, finding 4). After {@code max-failures} failures
 * from one address, that address's logins are refused for {@code initial-delay}; each further failure once the delay
 * has ended doubles it, up to {@code max-delay}. Nothing is permanent: an address is forgotten once {@code max-delay}
 * has passed after its last failure (after the end of the block that failure started, if it started one). A successful
 * login does not reset the count, so an attacker who owns one account cannot use it to keep guessing another's password.
 * <p>
 * The state is in memory, per node: a restart forgets it, and a cluster of N nodes lets an address make up to N times
 * as many attempts. At most {@value #MAX_TRACKED} addresses are tracked; past that the ones not currently blocked are
 * dropped first, so a flood of addresses cannot exhaust the heap.
 */
public class LoginThrottle {
    static final int MAX_TRACKED = 100_000;

    /** A failure that started a block: the address's failures so far and how long its logins are refused. */
    public record Lockout(int failures, Duration lockedFor) {}

    private static final class Entry {
        int failures;
        Instant blockedUntil;
        Instant quietSince;
    }

    private final Map<String, Entry> addresses = new ConcurrentHashMap<>();
    private final int maxFailures;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final Clock clock;

    public LoginThrottle(PimProperties.Logins settings, Clock clock) {
        this.maxFailures = settings.maxFailures();
        this.initialDelay = settings.initialDelay();
        this.maxDelay = settings.maxDelay();
        this.clock = clock;
    }

    /** How long the address must still wait before it may try to log in again; zero when it may now. */
    public Duration retryAfter(String address) {
        Instant now = clock.instant();
        Entry e = addresses.get(address);
        if (e == null) {
            return Duration.ZERO;
        }
        synchronized (e) {
            if (e.blockedUntil != null && e.blockedUntil.isAfter(now)) {
                return Duration.between(now, e.blockedUntil);
            }
        }
        return Duration.ZERO;
    }

    /**
     * Records a failed login from the address; returns the lockout it started, or null when the address may go on
     * trying (below {@code max-failures}, or a failure of a request that was let through just before a block began).
     */
    public Lockout failed(String address) {
        Instant now = clock.instant();
        Lockout[] started = new Lockout[1];
        addresses.compute(address, (key, e) -> {
            if (e == null || forgotten(e, now)) {
                e = new Entry();
            }
            synchronized (e) {
                e.failures++;
                boolean blocked = e.blockedUntil != null && e.blockedUntil.isAfter(now);
                if (!blocked && e.failures >= maxFailures) {
                    Duration delay = delay(e.failures - maxFailures);
                    e.blockedUntil = now.plus(delay);
                    started[0] = new Lockout(e.failures, delay);
                }
                e.quietSince = e.blockedUntil != null && e.blockedUntil.isAfter(now) ? e.blockedUntil : now;
            }
            return e;
        });
        if (addresses.size() > MAX_TRACKED) {
            prune(now);
        }
        return started[0];
    }

    /** {@code initial-delay} doubled {@code doublings} times, at most {@code max-delay}. */
    Duration delay(int doublings) {
        if (doublings >= 62) {
            return maxDelay;
        }
        Duration d = initialDelay;
        for (int i = 0; i < doublings && d.compareTo(maxDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    /** How many addresses are tracked (for tests and the pruning bound). */
    int tracked() {
        return addresses.size();
    }

    private boolean forgotten(Entry e, Instant now) {
        synchronized (e) {
            return !now.isBefore(e.quietSince.plus(maxDelay));
        }
    }

    private void prune(Instant now) {
        addresses.entrySet().removeIf(en -> forgotten(en.getValue(), now));
        if (addresses.size() > MAX_TRACKED) {
            addresses.entrySet().removeIf(en -> {
                Entry e = en.getValue();
                synchronized (e) {
                    return e.blockedUntil == null || !e.blockedUntil.isAfter(now);
                }
            });
        }
    }
}
