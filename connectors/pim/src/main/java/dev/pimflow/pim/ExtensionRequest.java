package dev.pimflow.pim;

import java.time.Instant;

/**
 * A longer end for an active assignment pimflow made ({@code adminExtend}).
 *
 * @param startDateTime the assignment's original start: PIM counts the policy's maximum from it
 * @param newEndDateTime the end asked for
 * @param round the extension's number within its activation (1, 2...): with {@code activationId}, makes retries
 *     idempotent
 */
public record ExtensionRequest(
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        Instant startDateTime,
        Instant newEndDateTime,
        String justification,
        String ticketNumber,
        String ticketSystem,
        String activationId,
        int round) {}
