package dev.pimflow.mfa;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** What an MFA gateway does once the person confirmed: signs an HS256 assertion. Used by the development gateway, pimctl and tests. */
public class MfaAssertionSigner {
    /**
     * The development HS256 secret, the orchestrator's default {@code pim.mfa.shared-secret}: public by design, so that
     * the embedded default works out of the box; the orchestrator warns when it runs with it.
     */
    public static final String DEVELOPMENT_SECRET = "pimflow-development-mfa-secret-not-for-production";

    private final MACSigner signer;
    private final Clock clock;

    public MfaAssertionSigner(String sharedSecret, Clock clock) {
        try {
            this.signer = new MACSigner(MfaAssertionVerifier.requireSecret(sharedSecret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.clock = clock;
    }

    public String sign(String principalId, String challengeId, boolean approved, Duration ttl) {
        return sign(principalId, challengeId, approved ? "approved" : "denied", List.of("pwd", "mfa"), ttl);
    }

    public String sign(String principalId, String challengeId, String decision, List<String> amr, Duration ttl) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(principalId)
                .claim("challengeId", challengeId)
                .claim("decision", decision)
                .claim("amr", amr)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign MFA assertion", e);
        }
        return jwt.serialize();
    }
}
