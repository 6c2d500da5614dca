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

/**
 * What an approver's gateway does once the approver confirmed with MFA: signs an HS256 {@code approval.decision}
 * assertion with the MFA gateway's shared secret. Used by the development gateway and tests, as {@link MfaAssertionSigner}.
 */
public class ApprovalAssertionSigner {
    private final MACSigner signer;
    private final Clock clock;

    public ApprovalAssertionSigner(String sharedSecret, Clock clock) {
        try {
            this.signer = new MACSigner(MfaAssertionVerifier.requireSecret(sharedSecret));
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.clock = clock;
    }

    /** An MFA-backed decision with a fresh {@code jti}; {@code justification} may be null. */
    public String sign(String approverId, String approvalId, boolean approved, String justification, Duration ttl) {
        return sign(
                approverId,
                approvalId,
                approved ? "approved" : "denied",
                List.of("pwd", "mfa"),
                justification,
                UUID.randomUUID().toString(),
                ttl);
    }

    /** Every claim as given; a null {@code jti} or {@code justification} is left out. */
    public String sign(
            String approverId,
            String approvalId,
            String decision,
            List<String> amr,
            String justification,
            String jti,
            Duration ttl) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(approverId)
                .claim("approvalId", approvalId)
                .claim("decision", decision)
                .claim("amr", amr)
                .claim("justification", justification)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(jti)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign approval assertion", e);
        }
        return jwt.serialize();
    }
}
