package dev.pimflow.audit;

import java.util.Map;

/** What a step wants recorded; the trail adds seq, time and the hashes. */
public record AuditEntry(String activationId, String actor, String action, String outcome, String ticketSystem,
                         String ticketNumber, String principalId, String roleDefinitionId, Map<String, Object> details) {
}
