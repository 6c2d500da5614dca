package dev.pimflow.pim;

/**
 * An active assignment to remove.
 *
 * @param directoryScopeId {@code "/"} when null
 */
public record RemovalRequest(
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        String justification,
        String ticketNumber,
        String ticketSystem) {}
