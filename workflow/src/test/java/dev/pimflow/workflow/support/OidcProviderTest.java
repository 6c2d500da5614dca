package dev.pimflow.workflow.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link OidcProvider} and {@link OidcLoginPage} against the real mock-oauth2-server, without the orchestrator: the
 * authorization-code flow with PKCE a client does (over plain {@code java.net.http}), its ID token checked with
 * nimbus-jose-jwt against the keys the issuer publishes, and the provider's deviations a step-up test relies on.
 */
class OidcProviderTest {
    private static final String REDIRECT_URI = "http://localhost:9/login/oauth2/code/idp";
    private static final String OID = "8d4c1f0e-4b7a-4e43-9a53-1c2f0b5d7e61";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static OidcProvider provider;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void startProvider() {
        provider = OidcProvider.start();
    }

    @AfterAll
    static void stopProvider() {
        provider.close();
    }

    @Test
    void aSignInWithPkceGivesAnIdTokenWithTheChosenClaimsSignedWithTheIssuersPublishedKey() throws Exception {
        Instant authTime = Instant.now().minusSeconds(5);
        OidcProvider.Claims claims =
                OidcProvider.Claims.mfaSignIn(OID).authTime(authTime).acrs("c1").sid("sid-1");
        Flow flow = new Flow(REDIRECT_URI);

        URI loginPage = flow.authorizationRequest(true);
        HttpResponse<String> page = get(loginPage);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"username\"", "name=\"claims\"");
        // login_hint is only listed as text with the other request parameters; it does not prefill the username
        assertThat(page.body()).contains("aline@contoso.example").doesNotContain("value=\"aline@contoso.example\"");

        URI callback = provider.signIn(loginPage, claims);
        assertThat(callback.toString()).startsWith(REDIRECT_URI + "?");
        Map<String, String> query = query(callback);
        assertThat(query).containsEntry("state", flow.state).containsKey("code");

        HttpResponse<String> tokens = exchange(query.get("code"), flow.verifier, REDIRECT_URI);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        SignedJWT idToken =
                SignedJWT.parse(JSON.readTree(tokens.body()).get("id_token").asText());
        assertThat(verifiesWithTheIssuersPublishedKeys(idToken)).isTrue();

        JWTClaimsSet c = idToken.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo(provider.issuerUri());
        assertThat(c.getAudience()).containsExactly(OidcProvider.CLIENT_ID);
        assertThat(c.getSubject()).isEqualTo(OID);
        assertThat(c.getStringClaim("nonce")).isEqualTo(flow.nonce);
        assertThat(c.getStringClaim("oid")).isEqualTo(OID);
        assertThat(c.getStringListClaim("amr")).containsExactly("pwd", "mfa");
        assertThat(c.getStringListClaim("acrs")).containsExactly("c1");
        assertThat(c.getDateClaim("auth_time").toInstant()).isEqualTo(authTime.truncatedTo(ChronoUnit.SECONDS));
        assertThat(c.getStringClaim("sid")).isEqualTo("sid-1");
        assertThat(c.getJWTID()).isNotBlank();
    }

    @Test
    void promptLoginShowsTheLoginPageEvenWithInteractiveLoginOff_withoutPromptTheCodeComesAtOnce() {
        Flow flow = new Flow(REDIRECT_URI);

        HttpResponse<String> withPrompt = get(flow.authorizationRequest(true));
        assertThat(withPrompt.statusCode()).isEqualTo(200);
        assertThat(withPrompt.body()).contains("name=\"username\"");

        HttpResponse<String> withoutPrompt = get(flow.authorizationRequest(false));
        assertThat(withoutPrompt.statusCode()).isEqualTo(302);
        assertThat(withoutPrompt.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(query(URI.create(l)))
                        .containsEntry("state", flow.state)
                        .containsKey("code"));
    }

    @Test
    void theClaimsForTheNextTokenGoIntoTheIdTokenOfANonInteractiveSignIn() throws Exception {
        Instant longAgo = Instant.now().minus(Duration.ofHours(3));
        provider.nextTokenCarries(
                OidcProvider.Claims.subject(OID).oid(OID).amr("pwd").authTime(longAgo));
        Flow flow = new Flow(REDIRECT_URI);

        String code = query(URI.create(get(flow.authorizationRequest(false))
                        .headers()
                        .firstValue("Location")
                        .orElseThrow()))
                .get("code");
        JWTClaimsSet c = idTokenClaims(exchange(code, flow.verifier, REDIRECT_URI));

        assertThat(c.getSubject()).isEqualTo(OID);
        assertThat(c.getStringListClaim("amr")).containsExactly("pwd");
        assertThat(c.getDateClaim("auth_time").toInstant()).isEqualTo(longAgo.truncatedTo(ChronoUnit.SECONDS));
        assertThat(c.getStringClaim("nonce")).isEqualTo(flow.nonce);
        assertThat(c.getClaim("sid")).isNull();
    }

    @Test
    void aCodeVerifierThatDoesNotMatchTheChallengeIsRefused() throws Exception {
        Flow flow = new Flow(REDIRECT_URI);
        String code = signInAndTakeCode(flow, OidcProvider.Claims.mfaSignIn(OID));

        HttpResponse<String> tokens = exchange(code, new Flow(REDIRECT_URI).verifier, REDIRECT_URI);

        assertThat(tokens.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tokens.body()).path("error").asText()).isEqualTo("invalid_grant");
    }

    /** The mock does not enforce PKCE: without a code_verifier nothing is compared. The client must always send one. */
    @Test
    void aTokenRequestWithoutCodeVerifierIsNotRefused() throws Exception {
        Flow flow = new Flow(REDIRECT_URI);
        String code = signInAndTakeCode(flow, OidcProvider.Claims.mfaSignIn(OID));

        JWTClaimsSet c = idTokenClaims(exchange(code, null, REDIRECT_URI));

        assertThat(c.getSubject()).isEqualTo(OID);
    }

    @Test
    void theLoginFormsClaimsWinOverThoseForTheNextToken_theOthersStay() throws Exception {
        provider.nextTokenCarries(OidcProvider.Claims.subject("queued-subject")
                .amr("pwd")
                .sid("queued-sid")
                .acrs("c9"));
        Flow flow = new Flow(REDIRECT_URI);
        String code = signInAndTakeCode(
                flow, OidcProvider.Claims.subject(OID).amr("pwd", "mfa").sid("form-sid"));

        JWTClaimsSet c = idTokenClaims(exchange(code, flow.verifier, REDIRECT_URI));

        assertThat(c.getSubject()).isEqualTo(OID);
        assertThat(c.getStringListClaim("amr")).containsExactly("pwd", "mfa");
        assertThat(c.getStringClaim("sid")).isEqualTo("form-sid");
        assertThat(c.getStringListClaim("acrs")).containsExactly("c9");
    }

    /**
     * mock-oauth2-server 2.1.11 does not refuse a used code: it forgets the authorization request and issues tokens
     * anyway, without the nonce and without the signed-in person. The orchestrator has to make a decision single-use
     * itself; its nonce check rejects such a token.
     */
    @Test
    void theSameCodeExchangedTwiceIsNotRefused_theSecondIdTokenHasNoNonceAndNotThePerson() throws Exception {
        Flow flow = new Flow(REDIRECT_URI);
        String code = signInAndTakeCode(flow, OidcProvider.Claims.mfaSignIn(OID));
        JWTClaimsSet first = idTokenClaims(exchange(code, flow.verifier, REDIRECT_URI));
        assertThat(first.getStringClaim("nonce")).isEqualTo(flow.nonce);

        HttpResponse<String> again = exchange(code, flow.verifier, REDIRECT_URI);

        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        JWTClaimsSet second = idTokenClaims(again);
        assertThat(second.getClaim("nonce")).isNull();
        assertThat(second.getSubject()).isNotEqualTo(OID);
        assertThat(second.getClaim("amr")).isNull();
        // nor a code it never issued
        assertThat(exchange("never-issued", flow.verifier, REDIRECT_URI).statusCode())
                .isEqualTo(200);
    }

    @Test
    void audienceIssuerAndNonceFromTheClaimsReplaceTheProvidersOwn() throws Exception {
        Flow flow = new Flow(REDIRECT_URI);
        String code = signInAndTakeCode(
                flow,
                OidcProvider.Claims.mfaSignIn(OID)
                        .audience("some-other-client")
                        .issuer("https://login.example.invalid/tenant/v2.0")
                        .nonce("not-the-challenges-nonce"));

        HttpResponse<String> tokens = exchange(code, flow.verifier, REDIRECT_URI);
        SignedJWT idToken =
                SignedJWT.parse(JSON.readTree(tokens.body()).get("id_token").asText());

        assertThat(verifiesWithTheIssuersPublishedKeys(idToken)).isTrue();
        JWTClaimsSet c = idToken.getJWTClaimsSet();
        assertThat(c.getAudience()).containsExactly("some-other-client");
        assertThat(c.getIssuer()).isEqualTo("https://login.example.invalid/tenant/v2.0");
        assertThat(c.getStringClaim("nonce")).isEqualTo("not-the-challenges-nonce");
    }

    @Test
    void aTokenFromTheOtherIssuerCarriesItsIssuerAndAKeyTheIssuerDoesNotPublish() throws Exception {
        Flow flow = new Flow(REDIRECT_URI);
        String code = signInAndTakeCode(flow, OidcProvider.Claims.mfaSignIn(OID));
        provider.nextTokenFromOtherIssuer();

        HttpResponse<String> tokens = exchange(code, flow.verifier, REDIRECT_URI);

        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        SignedJWT idToken =
                SignedJWT.parse(JSON.readTree(tokens.body()).get("id_token").asText());
        assertThat(idToken.getJWTClaimsSet().getIssuer()).isEqualTo(provider.otherIssuerUri());
        assertThat(idToken.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo(flow.nonce);
        assertThat(idToken.getJWTClaimsSet().getSubject()).isEqualTo(OID);
        assertThat(idToken.getHeader().getKeyID()).isEqualTo(OidcProvider.OTHER_ISSUER_ID);
        assertThat(verifiesWithTheIssuersPublishedKeys(idToken)).isFalse();
        // and it is a genuine token of the other issuer
        assertThat(verifiesWith(idToken, jwks(URI.create(provider.otherIssuerUri() + "/jwks"))))
                .isTrue();
    }

    @Test
    void aTokenSignedWithAForeignKeyKeepsClaimsAndKeyIdButFailsVerification() throws Exception {
        Flow flow = new Flow(REDIRECT_URI);
        String code = signInAndTakeCode(flow, OidcProvider.Claims.mfaSignIn(OID));
        provider.nextTokenSignedWithAForeignKey();

        HttpResponse<String> tokens = exchange(code, flow.verifier, REDIRECT_URI);

        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        SignedJWT idToken =
                SignedJWT.parse(JSON.readTree(tokens.body()).get("id_token").asText());
        assertThat(idToken.getHeader().getKeyID()).isEqualTo(OidcProvider.ISSUER_ID);
        assertThat(jwks(provider.jwksUri()).getKeyByKeyId(OidcProvider.ISSUER_ID))
                .isNotNull();
        assertThat(idToken.getJWTClaimsSet().getIssuer()).isEqualTo(provider.issuerUri());
        assertThat(idToken.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo(flow.nonce);
        assertThat(verifiesWithTheIssuersPublishedKeys(idToken)).isFalse();

        // only the next token: the one after is genuine again
        Flow next = new Flow(REDIRECT_URI);
        String nextCode = signInAndTakeCode(next, OidcProvider.Claims.mfaSignIn(OID));
        SignedJWT genuine = SignedJWT.parse(
                JSON.readTree(exchange(nextCode, next.verifier, REDIRECT_URI).body())
                        .get("id_token")
                        .asText());
        assertThat(verifiesWithTheIssuersPublishedKeys(genuine)).isTrue();
    }

    @Test
    @ExtendWith(BrowserCondition.class)
    void aPersonSignsInOnTheLoginPageInChromium() throws Exception {
        String missing = BrowserCondition.missing();
        if (missing != null) {
            fail(missing + " (" + BrowserCondition.REQUIRED_PROPERTY + "=true: not skipping)");
        }
        CompletableFuture<URI> callback = new CompletableFuture<>();
        HttpServer client = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        client.createContext("/login/oauth2/code/idp", exchange -> {
            callback.complete(exchange.getRequestURI());
            byte[] body = "signed in".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        client.start();
        String redirectUri = "http://localhost:" + client.getAddress().getPort() + "/login/oauth2/code/idp";
        OidcProvider.Claims claims = OidcProvider.Claims.mfaSignIn(OID).acrs("c1");
        Flow flow = new Flow(redirectUri);
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.driver().get(flow.authorizationRequest(true).toString());
            new OidcLoginPage(chromium.driver()).signIn(claims);

            URI arrived = callback.get(HeadlessChromium.BROWSER_WAIT.toSeconds(), TimeUnit.SECONDS);
            Map<String, String> query = query(arrived);
            assertThat(query).containsEntry("state", flow.state);
            JWTClaimsSet c = idTokenClaims(exchange(query.get("code"), flow.verifier, redirectUri));
            assertThat(c.getSubject()).isEqualTo(OID);
            assertThat(c.getStringClaim("nonce")).isEqualTo(flow.nonce);
            assertThat(c.getStringListClaim("amr")).containsExactly("pwd", "mfa");
            assertThat(c.getStringListClaim("acrs")).containsExactly("c1");
            assertThat(c.getLongClaim("auth_time")).isEqualTo(claims.asMap().get("auth_time"));
            assertThat(c.getStringClaim("sid")).isEqualTo(claims.asMap().get("sid"));
        } finally {
            client.stop(0);
        }
    }

    /** One authorization request as the orchestrator makes it: PKCE S256, state, nonce, a fresh sign-in by a named person. */
    private static final class Flow {
        final String redirectUri;
        final String state = UUID.randomUUID().toString();
        final String nonce = UUID.randomUUID().toString();
        final String verifier = randomUrlSafe(32);

        Flow(String redirectUri) {
            this.redirectUri = redirectUri;
        }

        URI authorizationRequest(boolean freshSignIn) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("response_type", "code");
            p.put("client_id", OidcProvider.CLIENT_ID);
            p.put("redirect_uri", redirectUri);
            p.put("scope", "openid profile");
            p.put("state", state);
            p.put("nonce", nonce);
            p.put("code_challenge", s256(verifier));
            p.put("code_challenge_method", "S256");
            if (freshSignIn) {
                p.put("prompt", "login");
                p.put("max_age", "0");
                p.put("login_hint", "aline@contoso.example");
            }
            return URI.create(provider.authorizationEndpoint() + "?" + form(p));
        }
    }

    private static String signInAndTakeCode(Flow flow, OidcProvider.Claims claims) {
        return query(provider.signIn(flow.authorizationRequest(true), claims)).get("code");
    }

    /** The token request of a confidential client: client_secret_basic, as Spring Security sends it by default. */
    private static HttpResponse<String> exchange(String code, String verifier, String redirectUri) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", "authorization_code");
        p.put("code", code);
        p.put("redirect_uri", redirectUri);
        if (verifier != null) {
            p.put("code_verifier", verifier);
        }
        String basic = Base64.getEncoder()
                .encodeToString(
                        (OidcProvider.CLIENT_ID + ":" + OidcProvider.CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(provider.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(form(p)))
                .build());
    }

    private static JWTClaimsSet idTokenClaims(HttpResponse<String> tokenResponse) throws Exception {
        assertThat(tokenResponse.statusCode()).as(tokenResponse.body()).isEqualTo(200);
        SignedJWT idToken = SignedJWT.parse(
                JSON.readTree(tokenResponse.body()).get("id_token").asText());
        assertThat(verifiesWithTheIssuersPublishedKeys(idToken)).isTrue();
        return idToken.getJWTClaimsSet();
    }

    /** As a client does: the discovery document names the JWKS; the token's kid picks the key. */
    private static boolean verifiesWithTheIssuersPublishedKeys(SignedJWT token) throws Exception {
        JsonNode discovery = JSON.readTree(get(provider.discoveryUri()).body());
        assertThat(discovery.path("issuer").asText()).isEqualTo(provider.issuerUri());
        return verifiesWith(token, jwks(URI.create(discovery.path("jwks_uri").asText())));
    }

    private static boolean verifiesWith(SignedJWT token, JWKSet keys) throws Exception {
        JWK key = keys.getKeyByKeyId(token.getHeader().getKeyID());
        return key != null && token.verify(new RSASSAVerifier(key.toRSAKey()));
    }

    private static JWKSet jwks(URI uri) throws Exception {
        return JWKSet.parse(get(uri).body());
    }

    private static HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
        }
    }

    private static Map<String, String> query(URI uri) {
        return Arrays.stream(uri.getRawQuery().split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(
                        kv -> URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv -> kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "",
                        (a, b) -> a,
                        LinkedHashMap::new));
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String randomUrlSafe(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
