package dev.pimflow.workflow.confirm;

import dev.pimflow.workflow.config.PimProperties;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The confirmation page (DESIGN §9.1): {@code GET /confirm/<challengeId>} says what is to be approved; its Approve and
 * Deny buttons post (with a CSRF token) to the same address, which sends the browser to sign in at the identity
 * provider; the provider sends it back to {@code /confirm/callback}. Plain server-rendered HTML, no script.
 */
@RestController
public class ConfirmationController {
    /** Binds a started sign-in to the browser that started it: its hash is kept with the flow. */
    static final String BROWSER_COOKIE = "pimflow-confirm";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Confirmations confirmations;
    private final IdentityProvider idp;
    private final boolean secureCookies;
    private final String callbackUrl;

    public ConfirmationController(Confirmations confirmations, IdentityProvider idp, PimProperties properties) {
        this.confirmations = confirmations;
        this.idp = idp;
        this.secureCookies = properties.publicBase().startsWith("https:");
        this.callbackUrl = properties.publicBase() + "/confirm/callback";
    }

    /** The provider's redirect back, for the confirmation page's sign-ins and the approval page's alike. */
    @GetMapping("/confirm/callback")
    public ResponseEntity<String> callback(
            @RequestParam(name = "state", required = false) String state,
            @RequestParam(name = "code", required = false) String code,
            @RequestParam(name = "error", required = false) String error,
            HttpServletRequest request) {
        Confirmations.Page page = confirmations.complete(
                state,
                code,
                error,
                callbackUrl,
                browser(request, BROWSER_COOKIE),
                browser(request, ApprovalPageController.BROWSER_COOKIE));
        return html(page, null, null);
    }

    @GetMapping("/confirm/{challengeId}")
    public ResponseEntity<String> show(@PathVariable String challengeId, HttpServletRequest request) {
        Confirmations.Page page = confirmations.show(challengeId);
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        return html(page, page.canDecide() && csrf != null ? csrf : null, challengeId);
    }

    @PostMapping("/confirm/{challengeId}")
    public ResponseEntity<String> decide(
            @PathVariable String challengeId,
            @RequestParam(name = "decision", required = false) String decision,
            HttpServletRequest request,
            HttpServletResponse response) {
        String browser = browserOrNew(request, BROWSER_COOKIE);
        Confirmations.Start start = confirmations.start(request, challengeId, decision, browser);
        if (start instanceof Confirmations.Start.Redirect redirect) {
            return toProvider(redirect.location(), BROWSER_COOKIE, "/confirm", browser, secureCookies, idp);
        }
        return html(((Confirmations.Start.Refused) start).page(), null, challengeId);
    }

    /** The browser's binding cookie of this name, or a new random value for one. */
    static String browserOrNew(HttpServletRequest request, String name) {
        String browser = browser(request, name);
        if (browser == null) {
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            browser = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        }
        return browser;
    }

    /** The redirect to the provider's sign-in, setting the cookie that binds the flow to this browser. */
    static ResponseEntity<String> toProvider(
            String location, String cookieName, String path, String browser, boolean secure, IdentityProvider idp) {
        ResponseCookie cookie = ResponseCookie.from(cookieName, browser)
                .path(path)
                .httpOnly(true)
                .secure(secure)
                // Lax: sent on the provider's top-level redirect back to the callback, not on cross-site posts
                .sameSite("Lax")
                .maxAge(idp.flowTimeout())
                .build();
        return ResponseEntity.status(303)
                .header(HttpHeaders.SET_COOKIE, cookie.toString())
                .header(HttpHeaders.LOCATION, location)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }

    private static String browser(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        return Arrays.stream(cookies)
                .filter(c -> name.equals(c.getName()))
                .map(Cookie::getValue)
                .filter(v -> v != null && v.matches("[A-Za-z0-9_-]{43}"))
                .findFirst()
                .orElse(null);
    }

    private ResponseEntity<String> html(Confirmations.Page page, CsrfToken csrf, String challengeId) {
        return html(page.status(), ConfirmationPages.render(page, csrf, challengeId), csrf != null, idp);
    }

    /**
     * A page as pimflow's pages answer: no caching, no referrer, no framing, no script; a page with a form may post to
     * itself and to the provider's sign-in.
     */
    static ResponseEntity<String> html(int status, String body, boolean hasForm, IdentityProvider idp) {
        String formAction = "'self'";
        if (hasForm) {
            try {
                formAction += " " + idp.authorizationOrigin();
            } catch (RuntimeException e) {
                // the provider is unreachable: the post will say so
            }
        }
        return ResponseEntity.status(status)
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY")
                .header(
                        "Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; form-action " + formAction
                                + "; frame-ancestors 'none'; base-uri 'none'")
                .body(body);
    }
}
