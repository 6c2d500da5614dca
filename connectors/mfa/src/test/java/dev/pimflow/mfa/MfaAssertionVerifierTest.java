package dev.pimflow.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DESIGN §6.1: only a validly signed, unexpired approval, for that challenge, by that principal, with MFA, is accepted. */
class MfaAssertionVerifierTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    static final String ALINE = TutorialTenant.ALINE_ID;
    static final String CHALLENGE = "6f1c1a52-8a55-4b0e-9a59-0e3a8c1f2b77";

    final Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    final MfaAssertionVerifier verifier = MfaAssertionVerifier.hs256(SECRET, clock);
    final MfaAssertionSigner signer = new MfaAssertionSigner(SECRET, clock);

    @Test
    void acceptsAValidApproval() {
        MfaDecision d = verifier.verify(signer.sign(ALINE, CHALLENGE, true, Duration.ofMinutes(2)), CHALLENGE, ALINE);
        assertThat(d.approved()).isTrue();
        assertThat(d.assertionId()).startsWith("jti:");
    }

    @Test
    void acceptsAValidDenial() {
        assertThat(verifier.verify(signer.sign(ALINE, CHALLENGE, false, Duration.ofMinutes(2)), CHALLENGE, ALINE)
                        .approved())
                .isFalse();
    }

    @Test
    void rejectsTheWrongKey() {
        String forged = new MfaAssertionSigner("another-secret-that-is-long-enough-0123456", clock)
                .sign(ALINE, CHALLENGE, true, Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(forged, CHALLENGE, ALINE))
                .isInstanceOf(MfaRejectedException.class)
                .hasMessageContaining("rejected");
    }

    @Test
    void rejectsAnUnsignedToken() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(ALINE)
                .claim("challengeId", CHALLENGE)
                .claim("decision", "approved")
                .claim("amr", List.of("mfa"))
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(clock.instant().plusSeconds(60)))
                .build();
        String unsigned = new PlainJWT(new PlainHeader(), claims).serialize();
        assertThatThrownBy(() -> verifier.verify(unsigned, CHALLENGE, ALINE)).isInstanceOf(MfaRejectedException.class);
    }

    @Test
    void rejectsAnotherPrincipal() {
        String other = signer.sign(TutorialTenant.BOB_ID, CHALLENGE, true, Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(other, CHALLENGE, ALINE)).hasMessageContaining("another principal");
    }

    @Test
    void rejectsAnotherChallenge() {
        String other = signer.sign(ALINE, "11111111-2222-3333-4444-555555555555", true, Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(other, CHALLENGE, ALINE)).hasMessageContaining("another challenge");
    }

    @Test
    void rejectsAnExpiredAssertion() {
        String old = new MfaAssertionSigner(SECRET, Clock.offset(clock, Duration.ofMinutes(-10)))
                .sign(ALINE, CHALLENGE, true, Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(old, CHALLENGE, ALINE)).hasMessageContaining("Expired");
    }

    @Test
    void rejectsAmrWithoutMfa() {
        String pwdOnly = signer.sign(ALINE, CHALLENGE, "approved", List.of("pwd"), Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(pwdOnly, CHALLENGE, ALINE)).hasMessageContaining("amr");
    }

    @Test
    void refusesAShortSecret() {
        assertThatThrownBy(() -> MfaAssertionVerifier.hs256("short", clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pim.mfa.shared-secret");
    }
}
