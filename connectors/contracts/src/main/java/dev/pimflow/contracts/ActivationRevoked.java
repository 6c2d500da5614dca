package dev.pimflow.contracts;

import java.time.Instant;

/** {@code data} of {@code activation.revoked}; {@code reason} is a {@link Reason} that {@link Reason#explains explains} {@link Status#REVOKED}. */
public record ActivationRevoked(
        String activationId,
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        String ticketSystem,
        String ticketNumber,
        String reason,
        Instant revokedAt) {}
