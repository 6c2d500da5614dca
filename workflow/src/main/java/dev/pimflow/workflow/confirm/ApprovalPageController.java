package dev.pimflow.workflow.confirm;

import dev.pimflow.workflow.config.PimProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The approval page (DESIGN §9.3): {@code GET /approve/<approvalId>} shows the stage's request; its form (a
 * justification, Approve and Deny, a CSRF token) posts to the same address, which sends the browser to sign in at the
 * identity provider of §9.1; the provider sends it back to the confirmation page's callback, which tells an approver's
 * flow from a person's. Plain server-rendered HTML, no script.
 */
@RestController
public class ApprovalPageController {
    /**
     * Binds an approver's sign-in to the browser that started it. Its path is {@code /}: it is set here and must come
     * back to {@code /confirm/callback}.
     */
    static final String BROWSER_COOKIE = "pimflow-approve";

    private final ApproverSignIns signIns;
    private final IdentityProvider idp;
    private final boolean secureCookies;

    public ApprovalPageController(ApproverSignIns signIns, IdentityProvider idp, PimProperties properties) {
        this.signIns = signIns;
        this.idp = idp;
        this.secureCookies = properties.publicBase().startsWith("https:");
    }

    @GetMapping("/approve/{approvalId}")
    public ResponseEntity<String> show(@PathVariable String approvalId, HttpServletRequest request) {
        return html(signIns.show(approvalId), request);
    }

    @PostMapping("/approve/{approvalId}")
    public ResponseEntity<String> decide(
            @PathVariable String approvalId,
            @RequestParam(name = "decision", required = false) String decision,
            @RequestParam(name = "justification", required = false) String justification,
            HttpServletRequest request) {
        String browser = ConfirmationController.browserOrNew(request, BROWSER_COOKIE);
        ApproverSignIns.Start start = signIns.start(request, approvalId, decision, justification, browser);
        if (start instanceof ApproverSignIns.Start.Redirect redirect) {
            return ConfirmationController.toProvider(
                    redirect.location(), BROWSER_COOKIE, "/", browser, secureCookies, idp);
        }
        return html(((ApproverSignIns.Start.Refused) start).page(), request);
    }

    private ResponseEntity<String> html(ApproverSignIns.View page, HttpServletRequest request) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        CsrfToken form = page.canDecide() ? csrf : null;
        return ConfirmationController.html(
                page.status(), ConfirmationPages.renderApproval(page, form), form != null, idp);
    }
}
