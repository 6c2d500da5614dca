package dev.pimflow.contracts;

import java.time.Duration;

/** {@code data} of {@code ticket.activation-requested}. */
public record ActivationRequested(
        String ticketSystem,
        String ticketNumber,
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        String justification,
        Duration duration) {}
