package dev.pimflow.workflow.confirm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.stereotype.Component;

/**
 * What every sign-in started on pimflow's pages must prove before it decides anything, whoever signs in (the person on
 * the confirmation page, DESIGN §9.1; an approver on the approval page, §9.3): it came back to the browser that
 * started it, within {@code pim.idp.flow-timeout}, with a code the provider exchanges for an ID token that Spring
 * Security verifies (signature, issuer, audience, times, nonce, PKCE); the sign-in is fresh ({@code auth_time} not
 * before the click, allowing for the provider's clock) and shows MFA (the authentication context in {@code acrs}, else
 * {@code mfa} in {@code amr}). Who must have signed in is the caller's rule, checked here between the token's
 * verification and its freshness. The callers audit a refusal on their own record.
 */
@Component
class SignInChecks {
    private static final Logger log = LoggerFactory.getLogger(SignInChecks.class);
    /** How far the provider's clock may be from ours, as Spring Security allows for the ID token's times. */
    static final Duration CLOCK_ALLOWANCE = Duration.ofSeconds(60);

    private final IdentityProvider idp;
    private final Clock clock;

    SignInChecks(IdentityProvider idp, Clock clock) {
        this.idp = idp;
        this.clock = clock;
    }

    /**
     * A refused sign-in: what the audit records and what the person reads.
     *
     * @param status the page's HTTP status
     * @param reason for the audit record
     * @param recorded whether the page says the attempt was recorded
     */
    record Refusal(int status, String reason, String title, String message, boolean recorded) {
        static Refusal of(String reason, String title, String message) {
            return new Refusal(403, reason, title, message, true);
        }
    }

    /** Who must have signed in: null when the signed-in principal may go on, else why not. */
    @FunctionalInterface
    interface Who {
        Refusal check(String principal);
    }

    /** The outcome: the verified sign-in and its principal, or a refusal. */
    sealed interface Checked {
        record Verified(IdentityProvider.SignIn signIn, String principal) implements Checked {}

        record Refused(Refusal refusal) implements Checked {}
    }

    /**
     * Runs every check on the provider's answer for this flow; adds what the audit keeps of the sign-in to {@code
     * evidence} (issuer, sid, jti, authTime; the principal of a refused sign-in).
     *
     * @param link what the person opens to try again, in words ("confirmation link", "approval link")
     * @param who the caller's rule on who signed in
     * @param context the authentication context the sign-in must show (null: {@code mfa} in {@code amr}); asked after
     *     the token's verification; a failure to tell is a 503, never a weaker proof
     */
    Checked verify(
            ConfirmationFlows.Flow flow,
            String state,
            String code,
            String error,
            String redirectUri,
            String browserBinding,
            Map<String, Object> evidence,
            String link,
            Who who,
            Supplier<String> context) {
        if (browserBinding == null || !ConfirmationFlows.hash(browserBinding).equals(flow.browserHash())) {
            return refused(Refusal.of(
                    "sign-in came back to another browser than the one that started it",
                    "This sign-in was started in another browser",
                    "Open the " + link + " in the browser you signed in with, and try again."));
        }
        if (flow.startedAt().plus(idp.flowTimeout()).isBefore(clock.instant())) {
            return refused(Refusal.of(
                    "sign-in took longer than " + idp.flowTimeout(),
                    "The sign-in took too long",
                    "Open the " + link + " again and sign in."));
        }
        if (error != null) {
            evidence.put("providerError", error.length() > 60 ? error.substring(0, 60) : error);
            return refused(Refusal.of(
                    "the provider ended the sign-in without a code",
                    "The sign-in did not complete",
                    "The sign-in was cancelled or refused by your identity provider. Nothing was approved."));
        }
        IdentityProvider.SignIn signIn;
        try {
            OAuth2AuthorizationRequest stored =
                    idp.storedRequest(state, flow.nonce(), flow.codeVerifier(), flow.redirectUri());
            OAuth2AuthorizationResponse response = OAuth2AuthorizationResponse.success(code == null ? "" : code)
                    .redirectUri(redirectUri)
                    .state(state)
                    .build();
            signIn = idp.exchange(stored, response);
        } catch (OAuth2AuthenticationException | OAuth2AuthorizationException e) {
            OAuth2Error oauth = e instanceof OAuth2AuthenticationException a
                    ? a.getError()
                    : ((OAuth2AuthorizationException) e).getError();
            return refused(Refusal.of(
                    "the provider's answer failed verification: " + oauth.getErrorCode(),
                    "The sign-in could not be verified",
                    explain(oauth.getErrorCode(), link)));
        } catch (RuntimeException e) {
            log.warn("Sign-in for activation {} could not be completed: {}", flow.activationId(), e.toString());
            return refused(Refusal.of(
                    "the sign-in could not be completed: " + e.getClass().getSimpleName(),
                    "The sign-in could not be completed",
                    "The identity provider could not be reached. Nothing was approved; open the " + link
                            + " and try again."));
        }
        OidcIdToken id = signIn.idToken();
        evidence.putAll(evidence(id));
        String principal = id.getClaimAsString(idp.principalClaim());
        Refusal notThem = who.check(principal);
        if (notThem != null) {
            evidence.put("signedIn", principal == null ? "(no " + idp.principalClaim() + " claim)" : principal);
            return refused(notThem);
        }
        Instant authTime = authTime(id);
        if (authTime == null || authTime.isBefore(flow.startedAt().minus(CLOCK_ALLOWANCE))) {
            return refused(Refusal.of(
                    authTime == null
                            ? "the ID token has no auth_time"
                            : "auth_time " + authTime + " is before this sign-in was asked for (" + flow.startedAt()
                                    + ")",
                    "A fresh sign-in is needed",
                    "Your identity provider reused an earlier sign-in. A new one is needed: open the " + link
                            + " and sign in again."));
        }
        String required;
        try {
            required = context.get();
        } catch (RuntimeException e) {
            log.warn(
                    "Sign-in for activation {}: the role's activation policy could not be read: {}",
                    flow.activationId(),
                    e.toString());
            return refused(new Refusal(
                    503,
                    "the role's activation policy could not be read: "
                            + e.getClass().getSimpleName(),
                    "Microsoft Entra could not be reached",
                    "Your sign-in was fine, but PIM could not be reached to check what this role requires. Nothing"
                            + " was approved; open the " + link + " again and retry in a minute.",
                    false));
        }
        if (!mfaShown(id, required)) {
            return refused(Refusal.of(
                    required != null
                            ? "the ID token's acrs does not contain the required authentication context " + required
                            : "the ID token's amr does not contain mfa",
                    "Multi-factor authentication is needed",
                    "The sign-in did not use multi-factor authentication. It is needed here: sign in again with"
                            + " your second factor."));
        }
        return new Checked.Verified(signIn, principal);
    }

    private static Checked refused(Refusal refusal) {
        return new Checked.Refused(refusal);
    }

    /** MFA as the ID token shows it: the required authentication context in {@code acrs}, else {@code mfa} in {@code amr}. */
    static boolean mfaShown(OidcIdToken id, String context) {
        if (context != null) {
            return contains(id.getClaim("acrs"), context);
        }
        return contains(id.getClaim("amr"), "mfa");
    }

    private static boolean contains(Object claim, String value) {
        if (claim instanceof List<?> list) {
            return list.stream().anyMatch(v -> v != null && value.equalsIgnoreCase(v.toString()));
        }
        return claim != null && value.equalsIgnoreCase(claim.toString());
    }

    private static Instant authTime(OidcIdToken id) {
        Object v = id.getClaim("auth_time");
        if (v instanceof Instant i) {
            return i;
        }
        if (v instanceof Number n) {
            return Instant.ofEpochSecond(n.longValue());
        }
        return null;
    }

    /** What the audit keeps of the sign-in: who issued it, the session and token ids, when the person signed in. */
    private static Map<String, Object> evidence(OidcIdToken id) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("issuer", String.valueOf(id.getIssuer()));
        for (String claim : List.of("sid", "jti", "uti")) {
            Object v = id.getClaim(claim);
            if (v != null) {
                e.put(claim, v.toString());
            }
        }
        Instant authTime = authTime(id);
        if (authTime != null) {
            e.put("authTime", authTime.toString());
        }
        return e;
    }

    /** The provider's refusal in words a person understands. */
    private static String explain(String oauthError, String link) {
        return switch (oauthError) {
            case "invalid_grant" ->
                "The sign-in's code was already used or has expired. Open the " + link + " and sign in again.";
            case "invalid_nonce", "invalid_state_parameter" ->
                "The sign-in does not belong to this " + link.replace(" link", "") + ". Open the " + link
                        + " and sign in again.";
            case "invalid_id_token" -> "Your identity provider's answer could not be verified. Nothing was approved.";
            default -> "Your identity provider refused the sign-in. Nothing was approved.";
        };
    }
}
