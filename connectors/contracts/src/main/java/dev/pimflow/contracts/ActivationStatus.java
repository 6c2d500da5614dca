package dev.pimflow.contracts;

import java.time.Instant;

/** {@code data} of {@code activation.status}. */
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
        String pimRequestId) {
    public static final String PENDING_MFA = "pending-mfa";
    public static final String DENIED = "denied";
    public static final String ACTIVE = "active";
    public static final String REVOKED = "revoked";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
}
