package dev.pimflow.workflow.directory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Directory answers remembered for a fixed time after they were loaded, by case-insensitive id. A load that throws is
 * not remembered (the next call asks again); a time to live of zero or less remembers nothing. Holds at most
 * {@code maxEntries}; when full it forgets everything and starts over, which costs only reloads.
 */
final class ExpiringCache<T> {
    private final Clock clock;
    private final Duration ttl;
    private final int maxEntries;
    private final Map<String, Entry<T>> entries = new ConcurrentHashMap<>();

    ExpiringCache(Clock clock, Duration ttl, int maxEntries) {
        this.clock = clock;
        this.ttl = ttl;
        this.maxEntries = maxEntries;
    }

    T get(String id, Function<String, T> load) {
        String key = id.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        Entry<T> hit = entries.get(key);
        if (hit != null && now.isBefore(hit.until())) {
            return hit.value();
        }
        T value = load.apply(id);
        if (!ttl.isZero() && !ttl.isNegative()) {
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            entries.put(key, new Entry<>(value, now.plus(ttl)));
        }
        return value;
    }

    private record Entry<T>(T value, Instant until) {}
}
