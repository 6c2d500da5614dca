package dev.pimflow.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * What a witness outside the database says about the chain (ADR 0005): the checkpoints read from it whose MAC
 * verifies with the chain's key, how many were rejected (a MAC that does not verify: written by someone without the
 * key), where they were read from, or why none could be read.
 */
public record AuditWitness(
        boolean available, String source, List<AuditCheckpoint> checkpoints, int rejected, String problem) {

    /** The witness could not be read (unreachable, not configured): the verification says so and is not covered by it. */
    public static AuditWitness unavailable(String source, String problem) {
        return new AuditWitness(false, source, List.of(), 0, problem);
    }

    /** The checkpoints read from {@code source}; those whose MAC does not verify with {@code key} are counted and dropped. */
    public static AuditWitness read(String source, List<AuditCheckpoint> read, AuditKey key) {
        List<AuditCheckpoint> valid = new ArrayList<>();
        int rejected = 0;
        for (AuditCheckpoint c : read) {
            if (c.verifies(key)) {
                valid.add(c);
            } else {
                rejected++;
            }
        }
        return new AuditWitness(
                true,
                source,
                List.copyOf(valid),
                rejected,
                valid.isEmpty()
                        ? "no checkpoint on " + source
                                + " yet (one is published after each batch of audit records sent)"
                        : null);
    }
}
