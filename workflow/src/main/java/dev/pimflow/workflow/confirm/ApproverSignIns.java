package dev.pimflow.workflow.confirm;

import dev.pimflow.workflow.activation.ApprovalDecisions;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.process.RequestApprovalDelegate;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Approvals.Approval;
import dev.pimflow.workflow.store.Extensions;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The approval page's decisions (DESIGN §9.3): an approver opens {@code /approve/<approvalId>}, types a justification,
 * clicks Approve or Deny and signs in at the identity provider of §9.1 (no login hint: the provider says who it is).
 * The callback runs the checks of every sign-in ({@link SignInChecks}: the same browser, in time, the provider's
 * verified ID token, a fresh sign-in, MFA shown); then the approver is the token's principal claim ({@code oid}), and
 * the decision takes the path of every channel, {@link ApprovalDecisions}: one of the stage's approvers, never the
 * requester, the stage pending and not past due, the justification where the policy asks for one; decided or refused,
 * it is audited with the sign-in's evidence.
 */
@Service
public class ApproverSignIns {
    private static final Logger log = LoggerFactory.getLogger(ApproverSignIns.class);
    /** The channel of decisions made on the approval page, in {@code approval_request} and the audit trail. */
    public static final String CHANNEL = "identity-provider";

    private static final Pattern UUID_SHAPE =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final IdentityProvider idp;
    private final SignInChecks checks;
    private final ConfirmationFlows flows;
    private final Approvals approvals;
    private final ActivationStore store;
    private final Extensions extensions;
    private final ApprovalDecisions decisions;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final String mfaContext;

    public ApproverSignIns(
            IdentityProvider idp,
            SignInChecks checks,
            ConfirmationFlows flows,
            Approvals approvals,
            ActivationStore store,
            Extensions extensions,
            ApprovalDecisions decisions,
            TransactionTemplate tx,
            Clock clock,
            PimProperties properties) {
        this.idp = idp;
        this.checks = checks;
        this.flows = flows;
        this.approvals = approvals;
        this.store = store;
        this.extensions = extensions;
        this.decisions = decisions;
        this.tx = tx;
        this.clock = clock;
        String context = properties.idp().mfaContext();
        // the role policy's authentication context is asked of the person who activates; an approver shows MFA, or
        // the configured context where one is set
        this.mfaContext = context == null || context.isBlank() ? null : context;
    }

    /**
     * What the approver sees: the stage's request and, while it can be decided, the form.
     *
     * @param duration what the stage asks for: the activation's duration, or for an extension's stage the extension's
     */
    public record View(
            int status,
            String title,
            String message,
            Approval stage,
            Activation activation,
            String duration,
            boolean canDecide) {
        static View of(int status, String title, String message) {
            return new View(status, title, message, null, null, null, false);
        }

        View with(int newStatus, String newMessage) {
            return new View(newStatus, title, newMessage, stage, activation, duration, canDecide);
        }
    }

    /** The stage's page: what is to be decided, or why it can no longer be. */
    public View show(String approvalId) {
        Approval stage = find(approvalId).orElse(null);
        Activation a = stage == null ? null : store.find(stage.activationId()).orElse(null);
        if (a == null) {
            return View.of(
                    404, "Unknown approval link", "This approval link is not known. Check that you copied all of it.");
        }
        String duration;
        try {
            duration = RequestApprovalDelegate.durationAsked(a, stage.round(), extensions);
        } catch (RuntimeException e) {
            duration = a.requestedDuration();
        }
        String closed = whyClosed(stage);
        if (closed != null) {
            return new View(410, "This request can no longer be decided", closed, stage, a, duration, false);
        }
        String what = Approvals.EXTENSION.equals(stage.purpose())
                ? "More time is asked for this active access: " + duration + " more after its current end, "
                        + a.endDateTime() + "."
                : null;
        if (!idp.configured()) {
            return new View(
                    200,
                    "Approval asked",
                    (what == null ? "" : what + " ")
                            + "No identity provider is configured for this page. Decide in Tasklist or with the MFA"
                            + " gateway your organization uses.",
                    stage,
                    a,
                    duration,
                    false);
        }
        return new View(
                200,
                Approvals.EXTENSION.equals(stage.purpose())
                        ? "Approve more time for this privileged access"
                        : "Approve this privileged access",
                what,
                stage,
                a,
                duration,
                true);
    }

    /** Where the browser goes to sign in for this decision, or the page that says why it cannot. */
    public sealed interface Start {
        record Redirect(String location) implements Start {}

        record Refused(View page) implements Start {}
    }

    /** Approve or Deny was clicked: starts a sign-in bound to this stage, this decision and this browser. */
    public Start start(
            HttpServletRequest request,
            String approvalId,
            String decision,
            String justification,
            String browserBinding) {
        if (!"approve".equals(decision) && !"deny".equals(decision)) {
            return new Start.Refused(View.of(400, "Unknown decision", "decision: choose Approve or Deny on the page."));
        }
        View page = show(approvalId);
        if (!page.canDecide()) {
            return new Start.Refused(
                    page.status() == 200 ? page.with(404, "No identity provider is configured for this page.") : page);
        }
        String why = justification == null || justification.isBlank() ? null : justification.strip();
        if (why != null && why.length() > ApprovalDecisions.MAX_JUSTIFICATION) {
            return new Start.Refused(page.with(
                    400, "justification: longer than " + ApprovalDecisions.MAX_JUSTIFICATION + " characters."));
        }
        if (why == null && page.stage().justificationRequired()) {
            return new Start.Refused(
                    page.with(400, "justification: required by the role's policy; give your reason in the field."));
        }
        Approval stage = page.stage();
        OAuth2AuthorizationRequest authorization;
        try {
            authorization = idp.authorizationRequest(request, null, mfaContext);
        } catch (RuntimeException e) {
            log.warn("Approval {}: the identity provider is not reachable: {}", stage.id(), e.toString());
            return new Start.Refused(View.of(
                    503,
                    "The sign-in is not available",
                    "The identity provider could not be reached. Nothing was changed; try again in a minute."));
        }
        Boolean saved = tx.execute(s -> flows.started(
                ConfirmationFlows.APPROVAL,
                stage.activationId(),
                stage.id(),
                decision,
                why,
                authorization,
                browserBinding,
                idp.flowTimeout()));
        if (!Boolean.TRUE.equals(saved)) {
            return new Start.Refused(View.of(
                    429,
                    "Too many sign-ins started",
                    "Too many sign-ins were started for this approval. Finish one, or wait a few minutes."));
        }
        log.info("Approval {} (activation {}): sign-in started to {}", stage.id(), stage.activationId(), decision);
        return new Start.Redirect(authorization.getAuthorizationRequestUri());
    }

    /**
     * The provider sent an approver's browser back ({@link Confirmations#complete} took the flow): every sign-in check,
     * then the decision as the token's principal, through {@link ApprovalDecisions}.
     */
    Confirmations.Page complete(
            ConfirmationFlows.Flow flow,
            String state,
            String code,
            String error,
            String redirectUri,
            String browserBinding) {
        String approvalId = flow.challengeId();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("method", "oidc");
        evidence.put("decision", flow.decision());
        String[] signedIn = new String[1];
        SignInChecks.Checked checked = checks.verify(
                flow,
                state,
                code,
                error,
                redirectUri,
                browserBinding,
                evidence,
                "approval link",
                principal -> {
                    signedIn[0] = principal;
                    return principal == null || principal.isBlank()
                            ? SignInChecks.Refusal.of(
                                    "the ID token has no " + idp.principalClaim() + " claim",
                                    "Your sign-in does not say who you are",
                                    "Your identity provider did not name you in the sign-in. Nothing was decided.")
                            : null;
                },
                () -> mfaContext);
        if (checked instanceof SignInChecks.Checked.Refused refused) {
            SignInChecks.Refusal r = refused.refusal();
            String actor = signedIn[0] == null || signedIn[0].isBlank()
                    ? "oidc:unknown"
                    : signedIn[0].toLowerCase(Locale.ROOT);
            tx.executeWithoutResult(s -> decisions.signInRefused(approvalId, actor, CHANNEL, r.reason(), evidence));
            return Confirmations.Page.of(
                    r.status(), r.title(), r.message() + (r.recorded() ? " This attempt was recorded." : ""));
        }
        String approver = ((SignInChecks.Checked.Verified) checked).principal().toLowerCase(Locale.ROOT);
        // the decision's reference in approval_request: this sign-in (its nonce is one flow's)
        evidence.put(
                "ref",
                "oidc:"
                        + ConfirmationFlows.hash(idp.issuer() + "|" + flow.nonce())
                                .substring(0, 60));
        boolean approve = "approve".equals(flow.decision());
        ApprovalDecisions.Outcome outcome = tx.execute(s -> decisions.decide(
                approvalId, approver, approve, flow.justification(), CHANNEL, "oidc:" + approver, evidence));
        if (outcome instanceof ApprovalDecisions.Outcome.Refused refused) {
            return Confirmations.Page.of(
                    refused.status(),
                    switch (refused.status()) {
                        case 403 -> "You may not decide this request";
                        case 409 -> "This request can no longer be decided";
                        case 400 -> "The decision is incomplete";
                        default -> "The decision was refused";
                    },
                    "Refused: " + refused.error() + ". Nothing was decided. This attempt was recorded.");
        }
        Approval decided = ((ApprovalDecisions.Outcome.Decided) outcome).approval();
        Activation a = store.find(decided.activationId()).orElseThrow();
        return Confirmations.Page.of(
                200,
                approve ? "Approved" : "Denied",
                "Your " + (approve ? "approval" : "denial") + " of stage " + decided.stage() + "/" + decided.stages()
                        + " was recorded: " + a.roleDisplayName() + " for " + a.principalId() + ", ticket "
                        + a.ticketNumber() + ".");
    }

    private Optional<Approval> find(String approvalId) {
        if (approvalId == null || !UUID_SHAPE.matcher(approvalId).matches()) {
            return Optional.empty();
        }
        return approvals.find(approvalId.toLowerCase(Locale.ROOT));
    }

    /** Why the stage cannot be decided any more, in words for the approver; null while it can. */
    private String whyClosed(Approval stage) {
        return switch (stage.status()) {
            case Approvals.PENDING ->
                stage.dueAt().isBefore(clock.instant())
                        ? "The time to decide ran out at " + ConfirmationPages.time(stage.dueAt()) + "."
                        : null;
            case Approvals.APPROVED, Approvals.DENIED ->
                "This stage was already decided: " + stage.status() + " by " + stage.decidedBy()
                        + (stage.decidedAt() == null ? "" : " at " + ConfirmationPages.time(stage.decidedAt()))
                        + ".";
            case Approvals.TIMED_OUT ->
                "Nobody decided this stage in time: it timed out at " + ConfirmationPages.time(stage.dueAt()) + ".";
            case Approvals.CANCELLED -> "This request was cancelled (its ticket was closed, or the access ended).";
            default -> "This stage is " + stage.status() + ".";
        };
    }
}
