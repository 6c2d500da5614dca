package dev.pimflow.workflow.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.Headers;

/**
 * A real OpenID Connect provider for the step-up tests: navikt's mock-oauth2-server, in-process on a free port, with
 * one issuer ({@link #issuerUri()}) the orchestrator is configured with and a second one ({@link #otherIssuerUri()})
 * with its own signing key. What 2.1.11 does and does not do is written down in {@code /work/notes/mock-oauth2-facts.md};
 * the parts a test relies on are proved by {@code OidcProviderTest}.
 *
 * <p>Clients are not registered at the mock: any client id and secret are accepted. {@link #CLIENT_ID} and
 * {@link #CLIENT_SECRET} are this project's convention, so tests and configuration agree.
 *
 * <p>{@code prompt=login} (which the orchestrator always sends) makes the mock show its login page even when interactive
 * login is off: a test then submits that form, in a browser ({@link OidcLoginPage}) or over HTTP
 * ({@link #signIn(URI, Claims)}). The claims typed into the form win over those of {@link #nextTokenCarries(Claims)}.
 */
public final class OidcProvider implements AutoCloseable {
    public static final String ISSUER_ID = "pimflow-idp";
    /** A second issuer of the same server: its own {@code iss} and its own signing key ({@code kid} = this id). */
    public static final String OTHER_ISSUER_ID = "another-idp";

    public static final String CLIENT_ID = "pimflow-orchestrator";
    /** Never checked by the mock; only so that the client sends one, as it must at a real provider. */
    public static final String CLIENT_SECRET = "mock-oauth2-server-checks-no-secret";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Redirects are the answers here (the login form's), not to be followed. */
    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private final MockOAuth2Server server;
    private final AtomicReference<Tampering> nextTokenTampering;

    private OidcProvider(MockOAuth2Server server, AtomicReference<Tampering> nextTokenTampering) {
        this.server = server;
        this.nextTokenTampering = nextTokenTampering;
    }

    /** Started with interactive login off: an authorization request without {@code prompt} is answered at once. */
    public static OidcProvider start() {
        return start(false);
    }

    /** @param interactiveLogin show the login page for every authorization request, not only for {@code prompt=login} */
    public static OidcProvider start(boolean interactiveLogin) {
        AtomicReference<Tampering> tampering = new AtomicReference<>();
        MockOAuth2Server server =
                new MockOAuth2Server(new OAuth2Config(interactiveLogin), new TamperingTokenRoute(tampering));
        server.start();
        return new OidcProvider(server, tampering);
    }

    /** {@code http://localhost:<port>/pimflow-idp}: what {@code pim.idp.issuer-uri} is set to and what {@code iss} says. */
    public String issuerUri() {
        return server.issuerUrl(ISSUER_ID).toString();
    }

    public String otherIssuerUri() {
        return server.issuerUrl(OTHER_ISSUER_ID).toString();
    }

    public URI discoveryUri() {
        return server.wellKnownUrl(ISSUER_ID).uri();
    }

    public URI authorizationEndpoint() {
        return server.authorizationEndpointUrl(ISSUER_ID).uri();
    }

    public URI tokenEndpoint() {
        return server.tokenEndpointUrl(ISSUER_ID).uri();
    }

    public URI jwksUri() {
        return server.jwksUrl(ISSUER_ID).uri();
    }

    /**
     * The next token request at {@link #issuerUri()} gets these claims in its ID token (and access token). With a
     * login form submitted, the form's username is {@code sub} and the form's claims win over these.
     */
    public void nextTokenCarries(Claims claims) {
        server.enqueueCallback(
                new DefaultOAuth2TokenCallback(ISSUER_ID, claims.subject(), "JWT", null, claims.asMap(), 3600L));
    }

    /**
     * The next token request at {@link #issuerUri()} is answered by {@link #otherIssuerUri()}: {@code iss} is the other
     * issuer and the ID token is signed with the other issuer's key ({@code kid} {@value #OTHER_ISSUER_ID}), as a token
     * from a provider the orchestrator does not trust would be. Nonce and form claims are kept; claims queued with
     * {@link #nextTokenCarries(Claims)} are not used (the mock takes them for their own issuer only) and stay queued.
     */
    public void nextTokenFromOtherIssuer() {
        arm(Tampering.FROM_OTHER_ISSUER);
    }

    /**
     * The next token request at {@link #issuerUri()} returns the real ID token, claims and header ({@code kid} included)
     * unchanged, but signed with a fresh RSA key that the provider never published: only the signature is wrong.
     */
    public void nextTokenSignedWithAForeignKey() {
        arm(Tampering.SIGNED_WITH_FOREIGN_KEY);
    }

    private void arm(Tampering tampering) {
        if (!nextTokenTampering.compareAndSet(null, tampering)) {
            throw new IllegalStateException(
                    "nextToken: " + nextTokenTampering.get() + " is already set for the next token");
        }
    }

    /**
     * What a person does on the mock's login page, over plain HTTP: posts {@code username} (= {@code sub}) and the claims
     * JSON back to the authorization request it was shown for.
     *
     * @param authorizationRequest the full authorization URL the client redirected the browser to
     * @return where the provider redirects the browser: the client's {@code redirect_uri} with {@code code} and {@code state}
     */
    public URI signIn(URI authorizationRequest, Claims claims) {
        String form = "username=" + URLEncoder.encode(claims.subject(), StandardCharsets.UTF_8) + "&claims="
                + URLEncoder.encode(claims.json(), StandardCharsets.UTF_8);
        HttpResponse<String> response = send(HttpRequest.newBuilder(authorizationRequest)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
        String location = response.headers().firstValue("Location").orElse(null);
        if (response.statusCode() != 302 || location == null) {
            throw new IllegalStateException("signIn: the provider answered the login form with HTTP "
                    + response.statusCode() + " and no redirect: " + response.body());
        }
        return URI.create(location);
    }

    @Override
    public void close() {
        server.shutdown();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + request.uri(), e);
        }
    }

    /**
     * The claims of a sign-in, as Entra ID puts them into an ID token: {@code oid}, {@code amr}, {@code acrs},
     * {@code auth_time}, {@code sid}. Also able to spoil standard claims ({@code aud}, {@code iss}, {@code nonce}): the
     * mock applies these over its own.
     */
    public static final class Claims {
        private final String subject;
        private final Map<String, Object> claims = new LinkedHashMap<>();

        private Claims(String subject) {
            this.subject = Objects.requireNonNull(subject, "subject");
        }

        /** {@code sub} only; no {@code amr}, no {@code auth_time}. */
        public static Claims subject(String subject) {
            return new Claims(subject);
        }

        /**
         * A fresh sign-in with multi-factor authentication by the person whose object id is {@code oid}: {@code sub} and
         * {@code oid} = that id, {@code amr} [pwd, mfa], {@code auth_time} now, a new {@code sid}.
         */
        public static Claims mfaSignIn(String oid) {
            return new Claims(oid)
                    .oid(oid)
                    .amr("pwd", "mfa")
                    .authTime(Instant.now())
                    .sid(UUID.randomUUID().toString());
        }

        public Claims oid(String oid) {
            return claim("oid", oid);
        }

        public Claims amr(String... methods) {
            return claim("amr", List.of(methods));
        }

        public Claims acrs(String... contexts) {
            return claim("acrs", List.of(contexts));
        }

        /** In whole seconds, as {@code auth_time} is a NumericDate. */
        public Claims authTime(Instant authTime) {
            return claim("auth_time", authTime.getEpochSecond());
        }

        public Claims sid(String sid) {
            return claim("sid", sid);
        }

        /** Replaces the mock's {@code aud} (the client id). */
        public Claims audience(String... audience) {
            return claim("aud", List.of(audience));
        }

        /** Replaces the mock's {@code iss} (the signing key stays the issuer's). */
        public Claims issuer(String issuer) {
            return claim("iss", issuer);
        }

        /** Replaces the nonce the mock copies from the authorization request. */
        public Claims nonce(String nonce) {
            return claim("nonce", nonce);
        }

        public Claims without(String name) {
            claims.remove(name);
            return this;
        }

        /** Any claim; a list, a string, a number or a boolean. */
        public Claims claim(String name, Object value) {
            claims.put(Objects.requireNonNull(name, "claim name"), Objects.requireNonNull(value, name));
            return this;
        }

        public String subject() {
            return subject;
        }

        /** The claims beyond {@code sub}, in the order they were set. */
        public Map<String, Object> asMap() {
            Map<String, Object> copy = new LinkedHashMap<>();
            claims.forEach((name, value) -> copy.put(name, value instanceof List<?> l ? new ArrayList<>(l) : value));
            return Collections.unmodifiableMap(copy);
        }

        /** The claims beyond {@code sub} as the JSON object the login page's claims field takes. */
        public String json() {
            try {
                return JSON.writeValueAsString(claims);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("claims: not representable as JSON: " + claims.keySet(), e);
            }
        }

        @Override
        public String toString() {
            return "Claims[sub=" + subject + ", " + claims.keySet() + "]";
        }
    }

    private enum Tampering {
        FROM_OTHER_ISSUER,
        SIGNED_WITH_FOREIGN_KEY
    }

    /**
     * Consulted by the mock before its own routes: while a {@link Tampering} is set, the next POST to the issuer's token
     * endpoint is taken here, forwarded over HTTP to the real token endpoint (of the other issuer, for
     * {@link Tampering#FROM_OTHER_ISSUER}) and its answer returned, re-signed for {@link Tampering#SIGNED_WITH_FOREIGN_KEY}.
     * The authorization codes of the mock are not bound to an issuer, so the other issuer redeems this issuer's code.
     */
    private static final class TamperingTokenRoute implements Route {
        private static final String TOKEN_PATH = "/" + ISSUER_ID + "/token";

        private final AtomicReference<Tampering> tampering;

        TamperingTokenRoute(AtomicReference<Tampering> tampering) {
            this.tampering = tampering;
        }

        @Override
        public boolean match(OAuth2HttpRequest request) {
            return tampering.get() != null
                    && "POST".equals(request.getMethod())
                    && TOKEN_PATH.equals(request.getUrl().encodedPath());
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            Tampering what = tampering.getAndSet(null);
            String issuerId = what == Tampering.FROM_OTHER_ISSUER ? OTHER_ISSUER_ID : ISSUER_ID;
            URI target = request.getUrl()
                    .newBuilder()
                    .encodedPath("/" + issuerId + "/token")
                    .build()
                    .uri();
            HttpRequest.Builder forward = HttpRequest.newBuilder(target)
                    .POST(HttpRequest.BodyPublishers.ofString(Objects.requireNonNullElse(request.getBody(), "")));
            for (String header : List.of("Content-Type", "Authorization")) {
                String value = request.getHeaders().get(header);
                if (value != null) {
                    forward.header(header, value);
                }
            }
            HttpResponse<String> answer = send(forward.build());
            String body = answer.body();
            if (what == Tampering.SIGNED_WITH_FOREIGN_KEY && answer.statusCode() == 200) {
                body = withIdTokenResigned(body);
            }
            return new OAuth2HttpResponse(
                    Headers.of(
                            "Content-Type",
                            answer.headers().firstValue("Content-Type").orElse("application/json")),
                    answer.statusCode(),
                    body,
                    null);
        }

        private static String withIdTokenResigned(String tokenResponse) {
            try {
                ObjectNode json = (ObjectNode) JSON.readTree(tokenResponse);
                SignedJWT real = SignedJWT.parse(json.get("id_token").asText());
                RSAKey foreign = new RSAKeyGenerator(2048).generate();
                JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(real.getHeader().getKeyID())
                        .type(real.getHeader().getType())
                        .build();
                SignedJWT forged = new SignedJWT(header, real.getJWTClaimsSet());
                forged.sign(new RSASSASigner(foreign));
                json.put("id_token", forged.serialize());
                return JSON.writeValueAsString(json);
            } catch (IOException | ParseException | JOSEException e) {
                throw new IllegalStateException("nextTokenSignedWithAForeignKey: could not re-sign the id_token", e);
            }
        }

        @Override
        public String toString() {
            return "TamperingTokenRoute(" + tampering.get() + ")";
        }
    }
}
