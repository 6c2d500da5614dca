package dev.pimflow.contracts;

import java.time.Instant;

/**
 * {@code data} of {@code mfa.challenge}. {@code confirmUrl} is the page where the person approves or denies with a
 * sign-in at the identity provider (DESIGN §9.1): {@code <pim.public-url>/confirm/<challengeId>}.
 */
public record MfaChallenge(
        String challengeId,
        String activationId,
        String principalId,
        String roleDefinitionId,
        String roleDisplayName,
        String ticketSystem,
        String ticketNumber,
        Instant expiresAt,
        String confirmUrl) {}
