package dev.pimflow.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §4 {@code approval.decision}: only a decision signed with the MFA gateway's keys, for that approval, with MFA,
 * unexpired and with an id to use once, is accepted; and an MFA response's assertion and an approver's decision are
 * never taken for one another.
 */
class ApprovalAssertionVerifierTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    static final String APPROVER = "5B0C7E2A-8D4F-4A61-B3E9-7F2C1D6A9E40";
    static final String APPROVAL = "0f4a2b6c-1d3e-4f50-8a9b-7c6d5e4f3a21";
    static final String CHALLENGE = "6f1c1a52-8a55-4b0e-9a59-0e3a8c1f2b77";

    final Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    final MfaAssertionVerifier mfa = MfaAssertionVerifier.hs256(SECRET, clock);
    final ApprovalAssertionVerifier verifier = mfa.approvalDecisions();
    final ApprovalAssertionSigner signer = new ApprovalAssertionSigner(SECRET, clock);

    @Test
    void acceptsAnApprovalWithItsApproverJtiAndJustification() {
        String jti = "a1b2c3d4-jti";
        ApprovalAssertion a = verifier.verify(
                signer.sign(
                        APPROVER, APPROVAL, "approved", List.of("pwd", "mfa"), "on call", jti, Duration.ofMinutes(2)),
                APPROVAL);
        assertThat(a.approved()).isTrue();
        assertThat(a.approver()).isEqualTo(APPROVER.toLowerCase());
        assertThat(a.assertionId()).isEqualTo(jti);
        assertThat(a.justification()).isEqualTo("on call");
    }

    @Test
    void acceptsADenialWithoutJustification() {
        ApprovalAssertion a =
                verifier.verify(signer.sign(APPROVER, APPROVAL, false, null, Duration.ofMinutes(2)), APPROVAL);
        assertThat(a.approved()).isFalse();
        assertThat(a.justification()).isNull();
    }

    @Test
    void rejectsTheWrongKey() {
        String forged = new ApprovalAssertionSigner("another-secret-that-is-long-enough-0123456", clock)
                .sign(APPROVER, APPROVAL, true, null, Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(forged, APPROVAL))
                .isInstanceOf(ApprovalRejectedException.class)
                .hasMessageContaining("rejected");
    }

    @Test
    void rejectsAnotherApproval() {
        String other = signer.sign(APPROVER, "11111111-2222-3333-4444-555555555555", true, null, Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(other, APPROVAL)).hasMessageContaining("another approval");
    }

    @Test
    void rejectsAmrWithoutMfa() {
        String pwdOnly =
                signer.sign(APPROVER, APPROVAL, "approved", List.of("pwd"), null, "j-1", Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(pwdOnly, APPROVAL)).hasMessageContaining("amr");
    }

    @Test
    void rejectsAnUnknownDecision() {
        String maybe = signer.sign(APPROVER, APPROVAL, "maybe", List.of("mfa"), null, "j-2", Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(maybe, APPROVAL)).hasMessageContaining("decision");
    }

    @Test
    void rejectsAnExpiredAssertion() {
        String old = new ApprovalAssertionSigner(SECRET, Clock.offset(clock, Duration.ofMinutes(-10)))
                .sign(APPROVER, APPROVAL, true, null, Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(old, APPROVAL)).hasMessageContaining("Expired");
    }

    @Test
    void allowsTheSameClockSkewAsMfaAssertionsAndNoMore() {
        // expired 20 s ago: within the 30 s skew MFA assertions get; 40 s ago: beyond it
        String justExpired = new ApprovalAssertionSigner(SECRET, Clock.offset(clock, Duration.ofSeconds(-80)))
                .sign(APPROVER, APPROVAL, true, null, Duration.ofMinutes(1));
        assertThat(verifier.verify(justExpired, APPROVAL).approved()).isTrue();
        String expired = new ApprovalAssertionSigner(SECRET, Clock.offset(clock, Duration.ofSeconds(-100)))
                .sign(APPROVER, APPROVAL, true, null, Duration.ofMinutes(1));
        assertThatThrownBy(() -> verifier.verify(expired, APPROVAL)).hasMessageContaining("Expired");
    }

    @Test
    void rejectsAnAssertionIssuedInTheFuture() {
        String future = new ApprovalAssertionSigner(SECRET, Clock.offset(clock, Duration.ofMinutes(5)))
                .sign(APPROVER, APPROVAL, true, null, Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(future, APPROVAL)).hasMessageContaining("future");
    }

    @Test
    void rejectsAnAssertionWithoutJti() {
        String noJti = signer.sign(APPROVER, APPROVAL, "approved", List.of("mfa"), null, null, Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(noJti, APPROVAL)).hasMessageContaining("jti");
    }

    @Test
    void rejectsAJtiTooLongToStore() {
        String longJti = signer.sign(
                APPROVER, APPROVAL, "approved", List.of("mfa"), null, "j".repeat(65), Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(longJti, APPROVAL)).hasMessageContaining("jti");
    }

    @Test
    void rejectsASubjectThatIsNoObjectId() {
        String name = signer.sign("nora@contoso.example", APPROVAL, true, null, Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(name, APPROVAL)).hasMessageContaining("sub");
    }

    @Test
    void rejectsAJustificationOver500Characters() {
        String ok = signer.sign(APPROVER, APPROVAL, true, "x".repeat(500), Duration.ofMinutes(2));
        assertThat(verifier.verify(ok, APPROVAL).justification()).hasSize(500);
        String tooLong = signer.sign(APPROVER, APPROVAL, true, "x".repeat(501), Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(tooLong, APPROVAL)).hasMessageContaining("justification");
    }

    @Test
    void refusesAnMfaResponseAssertionAsAnApprovalDecision() {
        String mfaResponse = new MfaAssertionSigner(SECRET, clock)
                .sign(TutorialTenant.ALINE_ID, CHALLENGE, true, Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(mfaResponse, APPROVAL))
                .isInstanceOf(ApprovalRejectedException.class)
                .hasMessageContaining("approvalId");
    }

    @Test
    void anApprovalDecisionIsNotAcceptedAsAnMfaResponse() {
        // it carries no challengeId: refused for that before anything else is compared
        String decision = signer.sign(APPROVER, APPROVAL, true, null, Duration.ofMinutes(2));
        assertThatThrownBy(() -> mfa.verify(decision, APPROVAL, APPROVER))
                .isInstanceOf(MfaRejectedException.class)
                .hasMessageContaining("challengeId");
    }

    @Test
    void anAssertionCarryingBothIdsIsNeitherKind() throws Exception {
        // one token naming a challenge and an approval with the same id would otherwise pass both verifiers
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(APPROVER)
                .claim("challengeId", APPROVAL)
                .claim("approvalId", APPROVAL)
                .claim("decision", "approved")
                .claim("amr", List.of("mfa"))
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(clock.instant().plusSeconds(60)))
                .jwtID("j-both")
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        String both = jwt.serialize();
        assertThatThrownBy(() -> verifier.verify(both, APPROVAL)).hasMessageContaining("challengeId");
        assertThatThrownBy(() -> mfa.verify(both, APPROVAL, APPROVER)).hasMessageContaining("approvalId");
    }

    @Test
    void usesTheMfaGatewaysPublicKeysInProduction(@TempDir Path dir) throws Exception {
        ECKey gateway = new ECKeyGenerator(Curve.P_256).keyID("gateway-ec").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(gateway.toPublicJWK()).toString());
        ApprovalAssertionVerifier production = ApprovalAssertionVerifier.jwks(jwks.toString(), clock);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(APPROVER)
                .claim("approvalId", APPROVAL)
                .claim("decision", "denied")
                .claim("amr", List.of("mfa"))
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(clock.instant().plusSeconds(60)))
                .jwtID("j-es256")
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("gateway-ec").build(), claims);
        jwt.sign(new ECDSASigner(gateway));
        assertThat(production.verify(jwt.serialize(), APPROVAL).approved()).isFalse();
        // and the development secret is not accepted once public keys are configured
        String hs = signer.sign(APPROVER, APPROVAL, true, null, Duration.ofMinutes(2));
        assertThatThrownBy(() -> production.verify(hs, APPROVAL)).isInstanceOf(ApprovalRejectedException.class);
    }
}
