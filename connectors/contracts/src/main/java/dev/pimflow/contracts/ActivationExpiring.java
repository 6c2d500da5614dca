package dev.pimflow.contracts;

import java.time.Instant;

/**
 * {@code data} of {@code activation.expiring} (DESIGN §9.3), on {@code pim.activations} keyed by activation id: the
 * activation ends at {@code endDateTime}, within {@code pim.activations.expiry-warning}; sent once for each end, so a
 * ticket system can ask for more time before the role goes.
 */
public record ActivationExpiring(
        String activationId,
        String ticketSystem,
        String ticketNumber,
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        Instant endDateTime) {}
