package dev.pimflow.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Production keys: ES256 and RS256 assertions verified against the gateway's published JWKS. */
class JwksVerificationTest {
    static final String ALINE = TutorialTenant.ALINE_ID;
    static final String CHALLENGE = "6f1c1a52-8a55-4b0e-9a59-0e3a8c1f2b77";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

    static ECKey ec;
    static RSAKey rsa;
    static ECKey stranger;

    @TempDir
    static Path dir;

    static MfaAssertionVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        ec = new ECKeyGenerator(Curve.P_256).keyID("gateway-ec").generate();
        rsa = new RSAKeyGenerator(2048).keyID("gateway-rsa").generate();
        stranger = new ECKeyGenerator(Curve.P_256).keyID("gateway-ec").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(List.of(ec.toPublicJWK(), rsa.toPublicJWK())).toString());
        verifier = MfaAssertionVerifier.jwks(jwks.toString(), CLOCK);
    }

    static String sign(JWSSigner signer, JWSAlgorithm alg, String kid) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(ALINE)
                .claim("challengeId", CHALLENGE)
                .claim("decision", "approved")
                .claim("amr", List.of("pwd", "mfa"))
                .issueTime(Date.from(CLOCK.instant()))
                .expirationTime(Date.from(CLOCK.instant().plusSeconds(120)))
                .jwtID("j-" + kid)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    @Test
    void acceptsEs256AndRs256FromTheGatewaysKeys() throws Exception {
        assertThat(verifier.verify(sign(new ECDSASigner(ec), JWSAlgorithm.ES256, "gateway-ec"), CHALLENGE, ALINE)
                        .approved())
                .isTrue();
        assertThat(verifier.verify(sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "gateway-rsa"), CHALLENGE, ALINE)
                        .approved())
                .isTrue();
    }

    @Test
    void rejectsAnotherKeyWithTheSameKeyId() throws Exception {
        String forged = sign(new ECDSASigner(stranger), JWSAlgorithm.ES256, "gateway-ec");
        assertThatThrownBy(() -> verifier.verify(forged, CHALLENGE, ALINE)).isInstanceOf(MfaRejectedException.class);
    }

    @Test
    void rejectsHs256WhenPublicKeysAreConfigured() {
        String hs = new MfaAssertionSigner("a-shared-secret-that-is-long-enough-0123456", CLOCK)
                .sign(ALINE, CHALLENGE, true, java.time.Duration.ofMinutes(2));
        assertThatThrownBy(() -> verifier.verify(hs, CHALLENGE, ALINE)).isInstanceOf(MfaRejectedException.class);
    }

    @Test
    void namesTheSettingWhenTheJwksCannotBeRead() {
        assertThatThrownBy(() ->
                        MfaAssertionVerifier.jwks(dir.resolve("missing.json").toString(), CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pim.mfa.jwks-uri");
    }
}
