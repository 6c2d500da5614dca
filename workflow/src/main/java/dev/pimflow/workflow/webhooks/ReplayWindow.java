package dev.pimflow.workflow.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Refuses a webhook whose signed timestamp is older than the vendor's window or further in the future than the clock
 * skew allows: a captured delivery cannot be played again later. Within the window a replay carries the same event
 * ids and is deduplicated downstream (DESIGN §6.4).
 */
final class ReplayWindow {
    private final Clock clock;
    private final Duration window;
    private final Duration skew;

    ReplayWindow(Clock clock, Duration window, Duration skew) {
        this.clock = clock;
        this.window = window;
        this.skew = skew;
    }

    void check(Instant signedAt, String field) {
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(window))) {
            throw WebhookRefusal.unauthenticated(field + ": older than the replay window (" + window
                    + "): a replay, or a delivery retried too late");
        }
        if (signedAt.isAfter(now.plus(skew))) {
            throw WebhookRefusal.unauthenticated(field + ": more than " + skew + " in the future");
        }
    }
}
