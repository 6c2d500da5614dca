package dev.pimflow.mfa;

import java.time.Instant;

/**
 * A verified MFA assertion. {@code assertionId} is the JWS {@code jti} when present, else a SHA-256 of the
 * assertion, and is what single use is enforced on.
 */
public record MfaDecision(
        String principalId,
        String challengeId,
        boolean approved,
        Instant issuedAt,
        Instant expiresAt,
        String assertionId) {}
