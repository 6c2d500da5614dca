package dev.pimflow.contracts;

import java.time.Instant;

/** {@code data} of {@code mfa.challenge}. */
public record MfaChallenge(
        String challengeId,
        String activationId,
        String principalId,
        String roleDefinitionId,
        String roleDisplayName,
        String ticketSystem,
        String ticketNumber,
        Instant expiresAt) {}
