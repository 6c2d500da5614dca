package dev.pimflow.audit;

import java.time.Instant;
import java.util.Map;

/** One stored audit record (DESIGN §7). {@code hash} = SHA-256 over {@code prevHash} and the canonical JSON of the other fields. */
public record AuditRecord(long seq, String activationId, Instant at, String actor, String action, String outcome,
                          String ticketSystem, String ticketNumber, String principalId, String roleDefinitionId,
                          Map<String, Object> details, String prevHash, String hash) {
}
