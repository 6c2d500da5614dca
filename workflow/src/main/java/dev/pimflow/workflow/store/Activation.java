package dev.pimflow.workflow.store;

import java.time.Instant;

/** One requested activation as the orchestrator keeps it (the process instance holds the flow, this row the facts). */
public record Activation(String id, String ticketSystem, String ticketNumber, String principalId, String roleDefinitionId,
                         String directoryScopeId, String justification, String requestedDuration, String roleDisplayName,
                         String status, String reason, String processInstanceId, String challengeId,
                         Instant challengeExpiresAt, Instant startDateTime, Instant endDateTime, String pimRequestId,
                         String requestEventId, Instant createdAt, Instant updatedAt) {

    public static String liveKey(String ticketSystem, String ticketNumber, String principalId, String roleDefinitionId,
                                 String directoryScopeId) {
        return String.join("|", ticketSystem, ticketNumber, principalId.toLowerCase(), roleDefinitionId.toLowerCase(), directoryScopeId);
    }

    public boolean live() {
        return ActivationStatuses.LIVE.contains(status);
    }
}
