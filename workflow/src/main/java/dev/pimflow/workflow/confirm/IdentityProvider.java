package dev.pimflow.workflow.confirm;

import dev.pimflow.workflow.config.PimProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.authentication.OAuth2LoginAuthenticationToken;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * The OpenID Connect provider people confirm with (DESIGN §9.1), through Spring Security's OAuth2 client: the
 * authorization request (code flow with PKCE, nonce, a fresh sign-in) and the callback's code exchange with the ID
 * token's verification (signature against the provider's published keys, {@code iss}, {@code aud}, {@code exp},
 * {@code iat}, {@code nonce}). Nothing about OAuth or JOSE is written here by hand. The provider's metadata is
 * discovered at the first sign-in (and again after a failure), so pimflow starts while the provider is down.
 */
@Component
public class IdentityProvider {
    static final String REGISTRATION_ID = "pimflow-idp";
    // "profile": Entra puts the person's object id (oid) in the ID token only with it
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final PimProperties.Idp settings;
    private final String redirectUri;
    private final boolean selfActivate;
    private volatile ClientRegistration registration;

    public IdentityProvider(PimProperties properties) {
        this.settings = properties.idp();
        this.redirectUri = properties.publicBase() + "/confirm/callback";
        this.selfActivate = properties.activation().selfActivate();
        java.net.URI pub = java.net.URI.create(properties.publicBase());
        boolean loopback = "localhost".equalsIgnoreCase(pub.getHost()) || "127.0.0.1".equals(pub.getHost());
        if (settings.configured() && "http".equals(pub.getScheme()) && !loopback) {
            org.slf4j.LoggerFactory.getLogger(IdentityProvider.class)
                    .warn(
                            "pim.public-url {} is plain http: the confirmation page's sign-in cookies and the"
                                    + " provider's codes cross the network unencrypted; use https",
                            properties.publicBase());
        }
    }

    public boolean configured() {
        return settings.configured();
    }

    /** The provider's metadata, discovered from {@code pim.idp.issuer-uri}; an unreachable provider throws. */
    ClientRegistration registration() {
        ClientRegistration r = registration;
        if (r == null) {
            synchronized (this) {
                if (registration == null) {
                    Set<String> scopes = new LinkedHashSet<>(List.of("openid", "profile"));
                    if (selfActivate) {
                        scopes.add(settings.graphScope());
                    }
                    boolean confidential = settings.clientSecret() != null
                            && !settings.clientSecret().isBlank();
                    ClientRegistration.Builder b = ClientRegistrations.fromIssuerLocation(settings.issuerUri())
                            .registrationId(REGISTRATION_ID)
                            .clientId(settings.clientId());
                    if (confidential) {
                        // the authentication method is the one the provider's metadata offers (basic, else post)
                        b.clientSecret(settings.clientSecret());
                    } else {
                        b.clientSecret(null).clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
                    }
                    registration = b.redirectUri(redirectUri).scope(scopes).build();
                }
                r = registration;
            }
        }
        return r;
    }

    /**
     * A new authorization request for this person: random {@code state} and {@code nonce} (kept by the caller, bound
     * to the challenge), PKCE, {@code prompt=login} and {@code max_age=0} for a fresh sign-in, {@code login_hint},
     * and where the role's policy names an authentication context, a {@code claims} request for it.
     */
    OAuth2AuthorizationRequest authorizationRequest(
            HttpServletRequest request, String loginHint, String authenticationContext) {
        InMemoryClientRegistrationRepository one = new InMemoryClientRegistrationRepository(registration());
        DefaultOAuth2AuthorizationRequestResolver resolver =
                new DefaultOAuth2AuthorizationRequestResolver(one, "/confirm");
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce()
                .andThen(b -> b.additionalParameters(p -> {
                    p.put("prompt", "login");
                    p.put("max_age", "0");
                    if (loginHint != null) {
                        p.put("login_hint", loginHint);
                    }
                    if (authenticationContext != null) {
                        p.put("claims", claimsRequest(authenticationContext));
                    }
                })));
        OAuth2AuthorizationRequest resolved = resolver.resolve(request, REGISTRATION_ID);
        if (resolved == null) {
            throw new IllegalStateException("no authorization request for " + REGISTRATION_ID);
        }
        return resolved;
    }

    /** The {@code claims} request parameter asking for an authentication context in both tokens. */
    static String claimsRequest(String context) {
        String acrs = "{\"acrs\":{\"essential\":true,\"value\":\"" + context.replace("\"", "") + "\"}}";
        return "{\"id_token\":" + acrs + ",\"access_token\":" + acrs + "}";
    }

    /** The authorization request a stored flow was started with, as the callback must check the answer against. */
    OAuth2AuthorizationRequest storedRequest(String state, String nonce, String codeVerifier, String redirect) {
        ClientRegistration r = registration();
        return OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(r.getProviderDetails().getAuthorizationUri())
                .clientId(r.getClientId())
                .redirectUri(redirect)
                .scopes(r.getScopes())
                .state(state)
                .attributes(a -> {
                    a.put(OAuth2ParameterNames.REGISTRATION_ID, r.getRegistrationId());
                    a.put(OidcParameterNames.NONCE, nonce);
                    if (codeVerifier != null) {
                        a.put(PkceParameterNames.CODE_VERIFIER, codeVerifier);
                    }
                })
                .build();
    }

    /** What the provider's verified answer says: the ID token, and the access token (self-activate mode's Graph token). */
    record SignIn(OidcIdToken idToken, OAuth2AccessToken accessToken) {}

    /**
     * Exchanges the code (with the PKCE verifier) and verifies the ID token, nonce included. A refusal is an
     * {@link AuthenticationException} whose OAuth2 error code says which check failed.
     */
    SignIn exchange(OAuth2AuthorizationRequest stored, OAuth2AuthorizationResponse response) {
        ClientRegistration r = registration();
        OAuth2LoginAuthenticationToken result = (OAuth2LoginAuthenticationToken) codeExchange()
                .authenticate(new OAuth2LoginAuthenticationToken(r, new OAuth2AuthorizationExchange(stored, response)));
        OidcUser user = (OidcUser) result.getPrincipal();
        return new SignIn(user.getIdToken(), result.getAccessToken());
    }

    private volatile OidcAuthorizationCodeAuthenticationProvider codeExchange;

    /** Spring Security's OIDC code exchange, with timeouts on the token endpoint; its ID token decoders keep the keys. */
    private OidcAuthorizationCodeAuthenticationProvider codeExchange() {
        OidcAuthorizationCodeAuthenticationProvider p = codeExchange;
        if (p == null) {
            SimpleClientHttpRequestFactory http = new SimpleClientHttpRequestFactory();
            http.setConnectTimeout(TIMEOUT);
            http.setReadTimeout(TIMEOUT);
            RestClientAuthorizationCodeTokenResponseClient tokens =
                    new RestClientAuthorizationCodeTokenResponseClient();
            tokens.setRestClient(RestClient.builder()
                    .messageConverters(c -> {
                        c.clear();
                        c.add(new FormHttpMessageConverter());
                        c.add(new OAuth2AccessTokenResponseHttpMessageConverter());
                    })
                    .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                    .requestFactory(http)
                    .build());
            // the ID token's claims are all pimflow needs: the provider's userinfo endpoint is never asked
            p = new OidcAuthorizationCodeAuthenticationProvider(
                    tokens, userRequest -> new DefaultOidcUser(List.of(), userRequest.getIdToken()));
            p.setJwtDecoderFactory(this::idTokenDecoder);
            codeExchange = p;
        }
        return p;
    }

    private volatile JwtDecoder idTokenDecoder;

    /**
     * Spring Security's ID token decoder as its {@code OidcIdTokenDecoderFactory} makes it (the provider's JWKS, RS256,
     * the same checks as its default validator factory, the OIDC claim types), with timeouts on fetching the keys.
     */
    private JwtDecoder idTokenDecoder(ClientRegistration r) {
        JwtDecoder d = idTokenDecoder;
        if (d == null) {
            SimpleClientHttpRequestFactory http = new SimpleClientHttpRequestFactory();
            http.setConnectTimeout(TIMEOUT);
            http.setReadTimeout(TIMEOUT);
            NimbusJwtDecoder nimbus = NimbusJwtDecoder.withJwkSetUri(
                            r.getProviderDetails().getJwkSetUri())
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .restOperations(new RestTemplate(http))
                    .build();
            nimbus.setJwtValidator(JwtValidators.createDefaultWithValidators(new OidcIdTokenValidator(r)));
            nimbus.setClaimSetConverter(
                    new MappedJwtClaimSetConverter(OidcIdTokenDecoderFactory.createDefaultClaimTypeConverters()));
            d = nimbus;
            idTokenDecoder = d;
        }
        return d;
    }

    /** The provider's issuer, as its ID tokens must name it. */
    String issuer() {
        Map<String, Object> metadata = registration().getProviderDetails().getConfigurationMetadata();
        Object iss = metadata.get("issuer");
        return iss == null ? settings.issuerUri() : iss.toString();
    }

    /** Where the sign-in page lives (for the confirmation page's Content-Security-Policy form-action). */
    String authorizationOrigin() {
        java.net.URI u = java.net.URI.create(registration().getProviderDetails().getAuthorizationUri());
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    /** Which ID token claim holds the person's object id. */
    String principalClaim() {
        return settings.principalClaim();
    }

    Duration flowTimeout() {
        return settings.flowTimeout();
    }
}
