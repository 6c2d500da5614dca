package dev.pimflow.pim;

import java.time.Duration;

/**
 * A role's activation rules as configured in PIM role settings.
 *
 * @param maximumDuration the longest activation allowed, or null if the policy sets none
 */
public record ActivationPolicy(
        Duration maximumDuration,
        boolean expirationRequired,
        boolean justificationRequired,
        boolean ticketRequired,
        boolean mfaRequired) {}
