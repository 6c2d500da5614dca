package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Graph's write and read quotas per app (the token's {@code appid}/{@code azp}; one bucket for tokens without
 * either) in the simulator's one tenant, over sliding windows on the simulator's clock: a request is served when
 * its cost fits in what the requests served in the last window left, else it gets Graph's 429 with
 * {@code Retry-After} = the whole seconds (at least 1) until enough served requests leave the window. Throttled
 * requests are not charged to the window (Graph says it charges them too), so a client that waits out the
 * {@code Retry-After} gets in; instead the simulator counts, per kind, the requests that arrive before the last
 * {@code Retry-After} it gave that app has elapsed.
 */
final class Quota {

    enum Kind {
        READ,
        WRITE
    }

    /** The served requests of one app and kind in the current window: [epoch millis, units], oldest first. */
    private static final class Window {
        private final ArrayDeque<long[]> served = new ArrayDeque<>();
        private long used;

        void expire(long now, long windowMillis) {
            while (!served.isEmpty() && served.peekFirst()[0] + windowMillis <= now) {
                used -= served.pollFirst()[1];
            }
        }

        /** Millis until {@code units} more fit under {@code limit}; 0 when they fit now. */
        long waitFor(long units, long limit, long now, long windowMillis) {
            long missing = used + units - limit;
            if (missing <= 0) {
                return 0;
            }
            for (long[] entry : served) {
                missing -= entry[1];
                if (missing <= 0) {
                    return entry[0] + windowMillis - now;
                }
            }
            return windowMillis;
        }

        void add(long now, long units) {
            served.addLast(new long[] {now, units});
            used += units;
        }
    }

    private static final class Counts {
        long served;
        long throttled;
        long duringRetryAfter;

        ObjectNode toJson() {
            return Json.obj()
                    .put("served", served)
                    .put("throttled", throttled)
                    .put("duringRetryAfter", duringRetryAfter);
        }
    }

    private final Clock clock;
    private QuotaSettings baseline = QuotaSettings.off();
    private QuotaSettings settings = baseline;
    private final Map<String, Map<Kind, Window>> windows = new HashMap<>();
    private final Map<String, Long> retryUntil = new HashMap<>();
    private final Map<Kind, Counts> counts = new EnumMap<>(Kind.class);

    Quota(Clock clock) {
        this.clock = clock;
        resetCounters();
    }

    static Kind kind(String method) {
        return switch (method) {
            case "POST", "PATCH", "PUT", "DELETE" -> Kind.WRITE;
            default -> Kind.READ;
        };
    }

    /**
     * A read's resource units, after Graph's identity-and-access cost table (spec section 8): 1, 2 for
     * {@code transitiveMemberOf}, 5 for {@code transitiveMembers}; {@code $select} -1, {@code $expand} +1,
     * {@code $top} under 20 -1; at least 1. A write costs one write.
     */
    static int readUnits(String path, Map<String, String> query) {
        String p = path.toLowerCase(Locale.ROOT);
        int units = p.endsWith("/transitivememberof") ? 2 : p.endsWith("/transitivemembers") ? 5 : 1;
        if (query.containsKey("$select")) {
            units--;
        }
        if (query.containsKey("$expand")) {
            units++;
        }
        String top = query.get("$top");
        if (top != null && top.trim().matches("\\d{1,9}") && Integer.parseInt(top.trim()) < 20) {
            units--;
        }
        return Math.max(1, units);
    }

    /** Serves the request within the quota or throws Graph's 429; counts it either way. */
    synchronized void admit(String appId, Kind kind, int units) {
        String app = appId == null ? "" : appId.toLowerCase(Locale.ROOT);
        long now = clock.millis();
        Counts c = counts.get(kind);
        Long until = retryUntil.get(app);
        if (until != null && now < until) {
            c.duringRetryAfter++;
        }
        if (!settings.enabled()) {
            c.served++;
            return;
        }
        boolean write = kind == Kind.WRITE;
        long limit = write ? settings.writesPerWindow() : settings.readUnitsPerWindow();
        long windowMillis = (write ? settings.writeWindow() : settings.readWindow()).toMillis();
        long cost = Math.min(write ? 1 : units, limit);
        Window w =
                windows.computeIfAbsent(app, k -> new EnumMap<>(Kind.class)).computeIfAbsent(kind, k -> new Window());
        w.expire(now, windowMillis);
        long wait = w.waitFor(cost, limit, now, windowMillis);
        if (wait == 0) {
            w.add(now, cost);
            c.served++;
            return;
        }
        c.throttled++;
        long seconds = Math.max(1, (wait + 999) / 1000);
        retryUntil.put(app, now + seconds * 1000);
        throw Faults.throttled(seconds)
                .header("x-ms-throttle-information", write ? "WriteLimitExceeded" : "ResourceUnitLimitExceeded")
                .header(
                        "x-ms-throttle-scope",
                        "Tenant_Application/" + (write ? "Write" : "Read") + "/" + (appId == null ? "" : appId) + "/"
                                + ContosoTenant.TENANT_ID);
    }

    /** The settings the simulator starts with and {@link #reset()} goes back to. */
    synchronized void configure(QuotaSettings s) {
        baseline = s;
        settings = s;
        clearWindows();
        resetCounters();
    }

    /** {@code POST /_simulator/quota}: the given fields over the current settings; windows and counters restart. */
    synchronized ObjectNode update(JsonNode body) {
        if (body != null && !body.isObject()) {
            throw GraphError.badRequest("BadRequest", "A JSON object is required.");
        }
        QuotaSettings s = settings;
        try {
            s = new QuotaSettings(
                    bool(body, "enabled", s.enabled()),
                    integer(body, "writesPerWindow", s.writesPerWindow()),
                    duration(body, "writeWindow", s.writeWindow()),
                    integer(body, "readUnitsPerWindow", s.readUnitsPerWindow()),
                    duration(body, "readWindow", s.readWindow()));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw GraphError.badRequest("BadRequest", "Invalid quota settings: " + e.getMessage());
        }
        settings = s;
        clearWindows();
        resetCounters();
        return toJson();
    }

    /** Back to the configured settings, with empty windows and counters. */
    synchronized void reset() {
        settings = baseline;
        clearWindows();
        resetCounters();
    }

    synchronized void resetCounters() {
        for (Kind k : Kind.values()) {
            counts.put(k, new Counts());
        }
    }

    private void clearWindows() {
        windows.clear();
        retryUntil.clear();
    }

    synchronized ObjectNode toJson() {
        ObjectNode j = Json.obj();
        j.put("enabled", settings.enabled());
        j.put("window", "sliding");
        j.put("writesPerWindow", settings.writesPerWindow());
        j.put("writeWindow", settings.writeWindow().toString());
        j.put("readUnitsPerWindow", settings.readUnitsPerWindow());
        j.put("readWindow", settings.readWindow().toString());
        j.set("read", counts.get(Kind.READ).toJson());
        j.set("write", counts.get(Kind.WRITE).toJson());
        return j;
    }

    private static boolean bool(JsonNode body, String name, boolean current) {
        JsonNode v = body == null ? null : body.get(name);
        if (v == null || v.isNull()) {
            return current;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(name + " must be true or false");
        }
        return v.asBoolean();
    }

    private static int integer(JsonNode body, String name, int current) {
        JsonNode v = body == null ? null : body.get(name);
        if (v == null || v.isNull()) {
            return current;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
        return v.asInt();
    }

    private static Duration duration(JsonNode body, String name, Duration current) {
        JsonNode v = body == null ? null : body.get(name);
        if (v == null || v.isNull()) {
            return current;
        }
        return v.isNumber() ? Duration.ofMillis(Math.round(v.asDouble() * 1000)) : Duration.parse(v.asText());
    }
}
