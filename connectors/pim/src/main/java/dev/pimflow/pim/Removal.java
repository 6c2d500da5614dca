package dev.pimflow.pim;

/**
 * Outcome of a removal.
 *
 * @param requestId the Graph schedule request id, or null when there was nothing to remove
 * @param removed false when no such assignment existed (already expired or removed)
 */
public record Removal(String requestId, boolean removed) {}
