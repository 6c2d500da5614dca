package dev.pimflow.workflow.store;

import dev.pimflow.audit.AuditEntry;
import java.time.Instant;
import java.util.Map;

/** One requested activation as the orchestrator keeps it (the process instance holds the flow, this row the facts). */
public record Activation(
        String id,
        String ticketSystem,
        String ticketNumber,
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        String justification,
        String requestedDuration,
        String roleDisplayName,
        String status,
        String reason,
        String processInstanceId,
        String challengeId,
        Instant challengeExpiresAt,
        Instant startDateTime,
        Instant endDateTime,
        String pimRequestId,
        String requestEventId,
        Instant createdAt,
        Instant updatedAt) {

    public static String liveKey(
            String ticketSystem,
            String ticketNumber,
            String principalId,
            String roleDefinitionId,
            String directoryScopeId) {
        return String.join(
                "|",
                ticketSystem,
                ticketNumber,
                principalId.toLowerCase(),
                roleDefinitionId.toLowerCase(),
                directoryScopeId);
    }

    public boolean live() {
        return ActivationStatuses.LIVE.contains(status);
    }

    /** An audit record about this activation, with its ticket, principal and role. */
    public AuditEntry auditEntry(String actor, String action, String outcome, Map<String, Object> details) {
        return new AuditEntry(
                id, actor, action, outcome, ticketSystem, ticketNumber, principalId, roleDefinitionId, details);
    }
}
