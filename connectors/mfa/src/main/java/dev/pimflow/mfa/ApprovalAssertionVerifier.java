package dev.pimflow.mfa;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies the JWS an approver's gateway signs for a decision on an approval stage (DESIGN §4 {@code approval.decision}),
 * with the MFA gateway's keys and time rules ({@link MfaAssertionVerifier#approvalDecisions()}): signature, {@code sub}
 * (the approver), {@code approvalId} equal to the one the event names, {@code decision}, {@code amr} containing {@code
 * mfa}, {@code iat}, {@code exp}, {@code jti} and an optional {@code justification}.
 * <p>
 * Unlike an MFA assertion, {@code jti} is required: an approval is proved by who signed it, not by a challenge pimflow
 * issued, so the assertion's own id is the only thing single use can key on. Whether the approver may decide the stage
 * is not this class's business (the orchestrator's approval rules are); single use is the caller's (it owns the store).
 */
public class ApprovalAssertionVerifier {
    /** The longest {@code justification} accepted, as for every other channel's decision. */
    public static final int MAX_JUSTIFICATION = 500;
    /** The longest {@code jti}: it is stored to enforce single use. */
    public static final int MAX_JTI = 64;

    private static final Pattern OBJECT_ID =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Clock clock;

    /** HS256 with the MFA gateway's shared secret (development gateway). */
    public static ApprovalAssertionVerifier hs256(String sharedSecret, Clock clock) {
        return MfaAssertionVerifier.hs256(sharedSecret, clock).approvalDecisions();
    }

    /** ES256/RS256 with the MFA gateway's JWKS (production), as {@link MfaAssertionVerifier#jwks}. */
    public static ApprovalAssertionVerifier jwks(String location, Clock clock) {
        return MfaAssertionVerifier.jwks(location, clock).approvalDecisions();
    }

    ApprovalAssertionVerifier(JWSVerificationKeySelector<SecurityContext> keySelector, Clock clock) {
        this.clock = clock;
        processor.setJWSKeySelector(keySelector);
        processor.setJWTClaimsSetVerifier(AssertionTimes.claimsVerifier(
                clock, Set.of("sub", "exp", "iat", "approvalId", "decision", "amr", "jti"), Set.of("challengeId")));
    }

    public ApprovalAssertion verify(String assertion, String expectedApprovalId) {
        if (assertion == null || assertion.isBlank()) {
            throw new ApprovalRejectedException("assertion missing");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(assertion, null);
        } catch (ParseException e) {
            throw new ApprovalRejectedException("assertion is not a signed JWT");
        } catch (BadJOSEException e) {
            throw new ApprovalRejectedException("assertion rejected: " + e.getMessage());
        } catch (JOSEException e) {
            throw new ApprovalRejectedException("assertion could not be verified: " + e.getMessage());
        }
        try {
            if (expectedApprovalId == null
                    || !expectedApprovalId.equalsIgnoreCase(claims.getStringClaim("approvalId"))) {
                throw new ApprovalRejectedException("assertion is for another approval");
            }
            String approver = claims.getSubject();
            if (!OBJECT_ID.matcher(approver).matches()) {
                throw new ApprovalRejectedException("assertion sub must be the approver's Entra object id");
            }
            List<String> amr = claims.getStringListClaim("amr");
            if (amr == null || !amr.contains("mfa")) {
                throw new ApprovalRejectedException("assertion amr does not contain mfa");
            }
            String decision = claims.getStringClaim("decision");
            if (!"approved".equals(decision) && !"denied".equals(decision)) {
                throw new ApprovalRejectedException("assertion decision must be approved or denied");
            }
            if (AssertionTimes.issuedInTheFuture(claims.getIssueTime().toInstant(), clock)) {
                throw new ApprovalRejectedException("assertion issued in the future");
            }
            String jti = claims.getJWTID();
            if (jti.isBlank() || jti.length() > MAX_JTI) {
                throw new ApprovalRejectedException("assertion jti must be 1 to " + MAX_JTI + " characters");
            }
            String justification = claims.getStringClaim("justification");
            if (justification != null && justification.length() > MAX_JUSTIFICATION) {
                throw new ApprovalRejectedException(
                        "assertion justification is longer than " + MAX_JUSTIFICATION + " characters");
            }
            return new ApprovalAssertion(
                    approver.toLowerCase(Locale.ROOT), "approved".equals(decision), jti, justification);
        } catch (ParseException e) {
            throw new ApprovalRejectedException("assertion claim has the wrong type: " + e.getMessage());
        }
    }
}
