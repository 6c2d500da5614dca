package dev.pimflow.audit;

import java.util.Map;

/** What a step wants recorded; the trail adds seq, time and the hashes. */
public record AuditEntry(
        String activationId,
        String actor,
        String action,
        String outcome,
        String ticketSystem,
        String ticketNumber,
        String principalId,
        String roleDefinitionId,
        Map<String, Object> details) {
    /**
     * The activation id of a record that is about no single activation (a login lockout, a refused engine operation
     * that names no instance, rejected input that names no challenge): the trail's activation column is never null.
     */
    public static final String NO_ACTIVATION = "-";

    /** A record about the orchestrator itself rather than one activation. */
    public static AuditEntry system(String actor, String action, String outcome, Map<String, Object> details) {
        return new AuditEntry(NO_ACTIVATION, actor, action, outcome, null, null, null, null, details);
    }
}
