package dev.pimflow.contracts;

import java.time.Instant;

/** {@code data} of {@code activation.revoked}; reason is {@code expired}, {@code ticket-closed} or {@code manual}. */
public record ActivationRevoked(
        String activationId,
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        String ticketSystem,
        String ticketNumber,
        String reason,
        Instant revokedAt) {
    public static final String EXPIRED = "expired";
    public static final String TICKET_CLOSED = "ticket-closed";
    public static final String MANUAL = "manual";
}
