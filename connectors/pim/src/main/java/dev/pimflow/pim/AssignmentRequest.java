package dev.pimflow.pim;

import java.time.Duration;

/**
 * A time-bound active assignment to create.
 *
 * @param directoryScopeId {@code "/"} when null
 * @param activationId the orchestrator's id for this activation; makes retries idempotent
 */
public record AssignmentRequest(
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        Duration duration,
        String justification,
        String ticketNumber,
        String ticketSystem,
        String activationId) {}
