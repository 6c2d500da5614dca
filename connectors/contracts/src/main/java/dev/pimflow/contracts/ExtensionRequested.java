package dev.pimflow.contracts;

import java.time.Duration;

/**
 * {@code data} of {@code ticket.extension-requested} (DESIGN §9.3): more time for an active activation of the ticket,
 * named by {@code activationId} or by principal, role and scope. {@code duration} is added to the activation's current
 * end.
 */
public record ExtensionRequested(
        String ticketSystem,
        String ticketNumber,
        String activationId,
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        String justification,
        Duration duration) {
    /** The most one extension asks for; the role's policy bounds the activation's whole length. */
    public static final Duration MAX_DURATION = Duration.ofHours(24);
}
