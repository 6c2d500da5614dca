package dev.pimflow.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One stored audit record (DESIGN §7). {@code hash} = HMAC-SHA256 with the chain's key over {@code prevHash} and the
 * canonical JSON of the other fields (ADR 0005); plain SHA-256 for records chained before the chain was keyed.
 */
public record AuditRecord(
        long seq,
        String activationId,
        Instant at,
        String actor,
        String action,
        String outcome,
        String ticketSystem,
        String ticketNumber,
        String principalId,
        String roleDefinitionId,
        Map<String, Object> details,
        String prevHash,
        String hash) {

    /** The same content at a place in the chain. */
    public AuditRecord inChain(long seq, String prevHash, String hash) {
        return new AuditRecord(
                seq,
                activationId,
                at,
                actor,
                action,
                outcome,
                ticketSystem,
                ticketNumber,
                principalId,
                roleDefinitionId,
                details,
                prevHash,
                hash);
    }
}
