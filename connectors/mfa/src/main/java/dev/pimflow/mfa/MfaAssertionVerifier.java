package dev.pimflow.mfa;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Verifies the JWS an MFA gateway returns for a challenge (DESIGN §4 {@code mfa.response}): signature, subject,
 * challenge, decision, {@code amr} containing {@code mfa}, {@code iat} and {@code exp}. Single use is the caller's
 * job (it owns the store); it keys on {@link MfaDecision#assertionId()}.
 * <p>
 * The same gateway keys sign approvers' decisions ({@code approval.decision}): {@link #approvalDecisions()} verifies
 * those with this verifier's keys. The two kinds are kept apart by their claims: an MFA assertion must carry {@code
 * challengeId} and must not carry {@code approvalId}, an approval assertion the other way round, so neither is ever
 * honoured as the other.
 */
public class MfaAssertionVerifier {
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final JWSVerificationKeySelector<SecurityContext> keySelector;
    private final Clock clock;

    /** HS256 with a shared secret of at least 32 bytes (development gateway). */
    public static MfaAssertionVerifier hs256(String sharedSecret, Clock clock) {
        byte[] secret = requireSecret(sharedSecret);
        return new MfaAssertionVerifier(
                new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)), clock);
    }

    /**
     * ES256/RS256 with the gateway's public keys (production): a JWKS document at an {@code https://} URL (fetched and
     * cached, refreshed when an unknown key id appears) or in a local file ({@code file:} URL or path).
     */
    public static MfaAssertionVerifier jwks(String location, Clock clock) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("pim.mfa.jwks-uri is required for ES256/RS256 verification");
        }
        JWKSource<SecurityContext> source;
        try {
            if (location.startsWith("https://") || location.startsWith("http://")) {
                source = JWKSourceBuilder.create(new URL(location)).build();
            } else {
                Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
                source = new ImmutableJWKSet<>(JWKSet.load(path.toFile()));
            }
        } catch (IOException | java.text.ParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "pim.mfa.jwks-uri: cannot read a JWKS from " + location + ": " + e.getMessage(), e);
        }
        return new MfaAssertionVerifier(
                new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256), source), clock);
    }

    MfaAssertionVerifier(JWSVerificationKeySelector<SecurityContext> keySelector, Clock clock) {
        this.keySelector = keySelector;
        this.clock = clock;
        processor.setJWSKeySelector(keySelector);
        processor.setJWTClaimsSetVerifier(AssertionTimes.claimsVerifier(
                clock, Set.of("sub", "exp", "iat", "challengeId", "decision", "amr"), Set.of("approvalId")));
    }

    /** Verifies approvers' decisions signed by the same gateway keys (HS256 secret or JWKS) as MFA assertions. */
    public ApprovalAssertionVerifier approvalDecisions() {
        return new ApprovalAssertionVerifier(keySelector, clock);
    }

    static byte[] requireSecret(String sharedSecret) {
        if (sharedSecret == null || sharedSecret.isBlank()) {
            throw new IllegalArgumentException("pim.mfa.shared-secret is required");
        }
        byte[] secret = sharedSecret.getBytes(StandardCharsets.UTF_8);
        if (secret.length < 32) {
            throw new IllegalArgumentException(
                    "pim.mfa.shared-secret must be at least 32 bytes for HS256, got " + secret.length);
        }
        return secret;
    }

    public MfaDecision verify(String assertion, String expectedChallengeId, String expectedPrincipalId) {
        if (assertion == null || assertion.isBlank()) {
            throw new MfaRejectedException("assertion missing");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(assertion, null);
        } catch (ParseException e) {
            throw new MfaRejectedException("assertion is not a signed JWT");
        } catch (BadJOSEException e) {
            throw new MfaRejectedException("assertion rejected: " + e.getMessage());
        } catch (JOSEException e) {
            throw new MfaRejectedException("assertion could not be verified: " + e.getMessage());
        }
        try {
            String challengeId = claims.getStringClaim("challengeId");
            if (!expectedChallengeId.equals(challengeId)) {
                throw new MfaRejectedException("assertion is for another challenge");
            }
            if (!expectedPrincipalId.equalsIgnoreCase(claims.getSubject())) {
                throw new MfaRejectedException("assertion is for another principal");
            }
            List<String> amr = claims.getStringListClaim("amr");
            if (amr == null || !amr.contains("mfa")) {
                throw new MfaRejectedException("assertion amr does not contain mfa");
            }
            String decision = claims.getStringClaim("decision");
            if (!"approved".equals(decision) && !"denied".equals(decision)) {
                throw new MfaRejectedException("assertion decision must be approved or denied");
            }
            Instant iat = claims.getIssueTime().toInstant();
            Instant exp = claims.getExpirationTime().toInstant();
            if (AssertionTimes.issuedInTheFuture(iat, clock)) {
                throw new MfaRejectedException("assertion issued in the future");
            }
            String id = claims.getJWTID() != null ? "jti:" + claims.getJWTID() : "sha256:" + sha256(assertion);
            return new MfaDecision(claims.getSubject(), challengeId, "approved".equals(decision), iat, exp, id);
        } catch (ParseException e) {
            throw new MfaRejectedException("assertion claim has the wrong type: " + e.getMessage());
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
