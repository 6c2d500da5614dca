package dev.pimflow.contracts;

import java.time.Instant;

/** {@code data} of {@code activation.status}: {@code status} is a {@link Status}, {@code reason} a {@link Reason}. */
public record ActivationStatus(
        String activationId,
        String ticketSystem,
        String ticketNumber,
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        String status,
        String reason,
        Instant startDateTime,
        Instant endDateTime,
        String pimRequestId) {}
