package dev.pimflow.pim.simulator;

import java.time.Duration;

/**
 * Graph's identity-and-access quotas as the simulator enforces them (spec section 8): per app and tenant, at most
 * {@code writesPerWindow} writes (POST, PATCH, PUT, DELETE under {@code /v1.0}) in any {@code writeWindow}, and at
 * most {@code readUnitsPerWindow} resource units of reads (GET) in any {@code readWindow}. Off unless
 * {@code enabled}.
 */
public record QuotaSettings(
        boolean enabled, int writesPerWindow, Duration writeWindow, int readUnitsPerWindow, Duration readWindow) {

    /** Graph's documented limits for a small tenant (under 50 users): 3,000 writes / 150 s, 3,500 RU / 10 s. */
    public static final int WRITES_PER_WINDOW = 3000;

    public static final Duration WRITE_WINDOW = Duration.ofSeconds(150);
    public static final int READ_UNITS_PER_WINDOW = 3500;
    public static final Duration READ_WINDOW = Duration.ofSeconds(10);

    public QuotaSettings {
        if (writesPerWindow < 1 || readUnitsPerWindow < 1) {
            throw new IllegalArgumentException("quota limits must be positive");
        }
        if (writeWindow == null || readWindow == null || writeWindow.toMillis() < 1 || readWindow.toMillis() < 1) {
            throw new IllegalArgumentException("quota windows must be positive durations");
        }
    }

    /** Graph's limits, not enforced: the simulator's default. */
    public static QuotaSettings off() {
        return new QuotaSettings(false, WRITES_PER_WINDOW, WRITE_WINDOW, READ_UNITS_PER_WINDOW, READ_WINDOW);
    }

    public QuotaSettings withEnabled(boolean on) {
        return new QuotaSettings(on, writesPerWindow, writeWindow, readUnitsPerWindow, readWindow);
    }
}
