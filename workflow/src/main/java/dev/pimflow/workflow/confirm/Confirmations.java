package dev.pimflow.workflow.confirm;

import dev.pimflow.contracts.Status;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.AssignmentRequest;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.workflow.activation.MfaOutcome;
import dev.pimflow.workflow.activation.MfaResponseHandler;
import dev.pimflow.workflow.activation.RejectedInputAudit;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.directory.RoleCatalog;
import dev.pimflow.workflow.process.ActivationProcess;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Extensions;
import dev.pimflow.workflow.store.SelfActivations;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The confirmation page's decisions (DESIGN §9.1): Approve and Deny start a sign-in at the identity provider, bound to
 * the challenge (state, nonce, PKCE) and to the browser that clicked (a cookie); the callback accepts the decision only
 * when the provider's verified ID token says that the challenge's principal signed in afresh, with MFA, for this flow.
 * The decision then takes the same single-use, audited path as a signed {@code mfa.response}. In {@code self-activate}
 * mode an approval also sends the person's own {@code selfActivate} with the sign-in's delegated token, here, once.
 */
@Service
public class Confirmations {
    private static final Logger log = LoggerFactory.getLogger(Confirmations.class);
    /** The audit actor of decisions and refusals that come through the confirmation page. */
    public static final String CHANNEL = "confirmation-page";

    private final IdentityProvider idp;
    private final SignInChecks checks;
    private final ApproverSignIns approverSignIns;
    private final ConfirmationFlows flows;
    private final ActivationStore store;
    private final ActivationProcess process;
    private final MfaResponseHandler decisions;
    private final RejectedInputAudit rejections;
    private final RoleCatalog roles;
    private final PimDirectory pim;
    private final SelfActivations selfActivations;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final boolean selfActivate;
    private final String mfaContext;

    public Confirmations(
            IdentityProvider idp,
            SignInChecks checks,
            ApproverSignIns approverSignIns,
            ConfirmationFlows flows,
            ActivationStore store,
            ActivationProcess process,
            MfaResponseHandler decisions,
            RejectedInputAudit rejections,
            RoleCatalog roles,
            PimDirectory pim,
            SelfActivations selfActivations,
            TransactionTemplate tx,
            Clock clock,
            PimProperties properties) {
        this.idp = idp;
        this.checks = checks;
        this.approverSignIns = approverSignIns;
        this.flows = flows;
        this.store = store;
        this.process = process;
        this.decisions = decisions;
        this.rejections = rejections;
        this.roles = roles;
        this.pim = pim;
        this.selfActivations = selfActivations;
        this.tx = tx;
        this.clock = clock;
        this.selfActivate = properties.activation().selfActivate();
        String context = properties.idp().mfaContext();
        this.mfaContext = context == null || context.isBlank() ? null : context;
    }

    /** What the person sees: a page with a status, a title and plain words (never internals). */
    public record Page(int status, String title, String message, Activation activation, boolean canDecide) {
        static Page of(int status, String title, String message) {
            return new Page(status, title, message, null, false);
        }
    }

    /** The challenge's page: what is to be approved, or why it can no longer be decided. */
    public Page show(String challengeId) {
        Activation a = find(challengeId).orElse(null);
        if (a == null) {
            return unknown();
        }
        String closed = whyClosed(a);
        if (closed != null) {
            return new Page(410, "This request can no longer be decided", closed, a, false);
        }
        // an extension's challenge (DESIGN §9.3): the role is active, more time is asked
        String extension = decisions
                .extensionAwaitingMfa(a)
                .map(x -> "More time is asked for this active access: " + x.duration() + " more after its current end, "
                        + a.endDateTime() + " (extension " + x.round() + ").")
                .orElse(null);
        if (!idp.configured()) {
            return new Page(
                    200,
                    "Confirm with your MFA gateway",
                    (extension == null ? "" : extension + " ")
                            + "No identity provider is configured for this page. Approve or deny with the MFA gateway"
                            + " your organization uses.",
                    a,
                    false);
        }
        return new Page(
                200,
                extension == null ? "Confirm this privileged access" : "Confirm more time for this privileged access",
                extension,
                a,
                true);
    }

    /** Where the browser goes to sign in for this decision, or the page that says why it cannot. */
    public sealed interface Start {
        record Redirect(String location) implements Start {}

        record Refused(Page page) implements Start {}
    }

    /** Approve or Deny was clicked: starts a sign-in bound to this challenge, this decision and this browser. */
    public Start start(HttpServletRequest request, String challengeId, String decision, String browserBinding) {
        if (!"approve".equals(decision) && !"deny".equals(decision)) {
            return new Start.Refused(Page.of(400, "Unknown decision", "Choose Approve or Deny on the page."));
        }
        Activation a = find(challengeId).orElse(null);
        if (a == null) {
            return new Start.Refused(unknown());
        }
        String closed = whyClosed(a);
        if (closed != null) {
            return new Start.Refused(new Page(410, "This request can no longer be decided", closed, a, false));
        }
        if (!idp.configured()) {
            return new Start.Refused(Page.of(
                    404,
                    "No identity provider",
                    "No identity provider is configured for this page. Use your MFA gateway."));
        }
        String context;
        OAuth2AuthorizationRequest authorization;
        try {
            context = requiredContext(a);
            authorization = idp.authorizationRequest(request, a.principalId(), context);
        } catch (RuntimeException e) {
            log.warn("Confirmation of activation {}: the identity provider is not reachable: {}", a.id(), e.toString());
            return new Start.Refused(Page.of(
                    503,
                    "The sign-in is not available",
                    "The identity provider could not be reached. Nothing was changed; try again in a minute."));
        }
        Boolean saved = tx.execute(s -> flows.started(
                ConfirmationFlows.MFA,
                a.id(),
                a.challengeId(),
                decision,
                null,
                authorization,
                browserBinding,
                idp.flowTimeout()));
        if (!Boolean.TRUE.equals(saved)) {
            return new Start.Refused(Page.of(
                    429,
                    "Too many sign-ins started",
                    "Too many sign-ins were started for this request. Finish one, or wait a few minutes."));
        }
        log.info("Confirmation of activation {} (challenge {}): sign-in started to {}", a.id(), challengeId, decision);
        return new Start.Redirect(authorization.getAuthorizationRequestUri());
    }

    /**
     * The provider sent the browser back: checks everything, then decides once. The flow says which page started it:
     * an approver's sign-in ({@link ApproverSignIns}) is bound to its own browser cookie.
     */
    public Page complete(
            String state,
            String code,
            String error,
            String redirectUri,
            String browserBinding,
            String approverBrowserBinding) {
        ConfirmationFlows.Flow flow = flows.take(state).orElse(null);
        if (flow == null) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("state", state == null ? "(none)" : "unknown or already used");
            tx.executeWithoutResult(s -> rejections.confirmationRejected(
                    CHANNEL, "sign-in names no open confirmation (unknown or already used state)", details));
            return Page.of(
                    400,
                    "This sign-in is not valid",
                    "This sign-in was already used, has expired, or was not started here. Open the confirmation"
                            + " link again.");
        }
        if (flow.approval()) {
            return approverSignIns.complete(flow, state, code, error, redirectUri, approverBrowserBinding);
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("method", "oidc");
        evidence.put("decision", flow.decision());
        Activation a = store.find(flow.activationId()).orElse(null);
        SignInChecks.Checked checked = checks.verify(
                flow,
                state,
                code,
                error,
                redirectUri,
                browserBinding,
                evidence,
                "confirmation link",
                principal -> a == null || principal == null || !principal.equalsIgnoreCase(a.principalId())
                        ? SignInChecks.Refusal.of(
                                "another person signed in (" + idp.principalClaim()
                                        + " is not the activation's principal)",
                                "You are not the person this request is for",
                                "Only the person who asked for this access can confirm it. Nothing was approved.")
                        : null,
                () -> requiredContext(a));
        if (checked instanceof SignInChecks.Checked.Refused refused) {
            SignInChecks.Refusal r = refused.refusal();
            audit(flow, r.reason(), evidence);
            return Page.of(r.status(), r.title(), r.message() + (r.recorded() ? " This attempt was recorded." : ""));
        }
        IdentityProvider.SignIn signIn = ((SignInChecks.Checked.Verified) checked).signIn();
        return decide(flow, signIn, evidence);
    }

    /** The decision on the shared path; in self-activate mode, an approval is sent to PIM as the person first. */
    private Page decide(ConfirmationFlows.Flow flow, IdentityProvider.SignIn signIn, Map<String, Object> evidence) {
        boolean approved = "approve".equals(flow.decision());
        String assertionId = "oidc:"
                + ConfirmationFlows.hash(idp.issuer() + "|" + flow.nonce()).substring(0, 60);
        if (approved && selfActivate) {
            return selfActivateAndDecide(flow, signIn, evidence, assertionId);
        }
        return tx.execute(s -> {
            Activation a = store.lock(flow.activationId()).orElse(null);
            Page closed = closedFor(flow, a, assertionId, evidence);
            if (closed != null) {
                return closed;
            }
            // an extension's answer: the role is active either way, only its end is at stake
            boolean extension = decisions.extensionAwaitingMfa(a).isPresent();
            decisions.decided(a, approved, assertionId, evidence);
            if (extension) {
                return approved ? extensionApprovedPage(a) : extensionDeniedPage(a);
            }
            return approved ? approvedPage(a) : deniedPage(a);
        });
    }

    /**
     * {@code self-activate}: the sign-in's proof is used once (committed), then the person's own selfActivate is sent
     * outside any transaction (no row lock or connection is held while Graph answers), then PIM's answer and the
     * decision are recorded in a second transaction, which checks again that the challenge still waits. If it closed
     * meanwhile (its ticket closed, it expired) while PIM activated the role, the assignment is removed at once with
     * the app's adminRemove, so nothing active is left that pimflow does not track.
     */
    private Page selfActivateAndDecide(
            ConfirmationFlows.Flow flow,
            IdentityProvider.SignIn signIn,
            Map<String, Object> evidence,
            String assertionId) {
        Page closed =
                tx.execute(s -> closedFor(flow, store.lock(flow.activationId()).orElse(null), assertionId, evidence));
        if (closed != null) {
            return closed;
        }
        Activation before = store.find(flow.activationId()).orElseThrow();
        Assignment assignment = null;
        String denial;
        if (signIn.accessToken() == null) {
            denial = "SelfActivationMissing: the sign-in gave no Graph token";
        } else {
            try {
                assignment =
                        pim.selfActivate(request(before), signIn.accessToken().getTokenValue());
                denial = null;
            } catch (PimException e) {
                if (e.kind() != PimException.Kind.DENY) {
                    return unavailable(flow, "self-activation could not reach PIM: " + e.code(), evidence);
                }
                denial = e.getMessage();
            } catch (RuntimeException e) {
                return unavailable(
                        flow,
                        "self-activation could not reach PIM: " + e.getClass().getSimpleName(),
                        evidence);
            }
        }
        Assignment made = assignment;
        String refusal = denial;
        return tx.execute(s -> {
            Activation a = store.lock(flow.activationId()).orElse(null);
            String why = a == null ? "the activation is gone" : stillWaiting(a);
            if (why != null) {
                if (made != null && a != null && made.pendingApproval()) {
                    // PIM's approvers have not decided yet: the request is withdrawn, nothing was assigned
                    pim.cancelRequest(made.requestId());
                } else if (made != null && a != null) {
                    pim.remove(new dev.pimflow.pim.RemovalRequest(
                            a.principalId(),
                            a.roleDefinitionId(),
                            a.directoryScopeId(),
                            "Self-activation undone: the request closed while PIM activated it (" + why + ")",
                            a.ticketNumber(),
                            a.ticketSystem()));
                }
                if (a != null) {
                    Map<String, Object> undone = new LinkedHashMap<>(evidence);
                    undone.put("selfActivationUndone", made != null);
                    decisions.reject(
                            a,
                            CHANNEL,
                            "data.challengeId",
                            "challenge closed during the self-activation: " + why,
                            undone);
                }
                return new Page(
                        409,
                        "This request can no longer be decided",
                        a == null ? "It was replaced." : whyClosedOr(a, "It closed meanwhile."),
                        a,
                        false);
            }
            if (made != null) {
                selfActivations.activated(a.id(), a.challengeId(), made);
            } else {
                selfActivations.denied(a.id(), a.challengeId(), refusal);
            }
            decisions.decided(a, true, assertionId, evidence);
            if (refusal != null) {
                return new Page(
                        403,
                        "PIM refused the activation",
                        "Your approval was recorded, but Microsoft Entra PIM refused to activate " + a.roleDisplayName()
                                + " for you (" + refusal + ").",
                        a,
                        false);
            }
            if (made.pendingApproval()) {
                // DESIGN §9.3: PIM runs the role's approval of the person's own request; pimflow waits for it
                return new Page(
                        202,
                        "Waiting for approval",
                        "Your confirmation was recorded. " + a.roleDisplayName() + " requires approval: Microsoft Entra"
                                + " PIM asks its approvers, and the role is activated when they approve.",
                        a,
                        false);
            }
            return approvedPage(a);
        });
    }

    /** Null while the challenge still waits for this answer, which is used once; else the page that says why not. */
    private Page closedFor(
            ConfirmationFlows.Flow flow, Activation a, String assertionId, Map<String, Object> evidence) {
        if (a == null || !flow.challengeId().equals(a.challengeId())) {
            return Page.of(410, "This request can no longer be decided", "A newer request replaced it.");
        }
        Optional<MfaOutcome.Rejected> refused = decisions.useOnce(a, assertionId, CHANNEL, evidence);
        if (refused.isPresent()) {
            return new Page(
                    409,
                    "This request can no longer be decided",
                    whyClosedOr(a, "This confirmation was already used."),
                    a,
                    false);
        }
        return null;
    }

    /** Null while the challenge still waits (pending, its process at the MFA wait, not expired); else why not. */
    private String stillWaiting(Activation a) {
        if (!decisions.challengeOpen(a) || !process.waitingForMfa(a)) {
            return "the activation is " + a.status();
        }
        if (a.challengeExpiresAt() != null && a.challengeExpiresAt().isBefore(clock.instant())) {
            return "the challenge expired at " + a.challengeExpiresAt();
        }
        return null;
    }

    private Page unavailable(ConfirmationFlows.Flow flow, String reason, Map<String, Object> evidence) {
        tx.executeWithoutResult(s -> store.lock(flow.activationId())
                .ifPresent(a -> decisions.reject(a, CHANNEL, "data.assertion", reason, evidence)));
        return Page.of(
                503,
                "Microsoft Entra could not be reached",
                "Your sign-in was fine, but PIM could not be reached to activate the role. Nothing was changed;"
                        + " open the link again and retry in a minute.");
    }

    private static Page approvedPage(Activation a) {
        return new Page(
                200,
                "Approved",
                "Your approval was recorded. " + a.roleDisplayName() + " will be active in a moment for ticket "
                        + a.ticketNumber() + ".",
                a,
                false);
    }

    private static Page deniedPage(Activation a) {
        return new Page(200, "Denied", "Your denial was recorded. Nothing will be activated.", a, false);
    }

    private static Page extensionApprovedPage(Activation a) {
        return new Page(
                200,
                "Approved",
                "Your approval was recorded. The extra time for " + a.roleDisplayName() + " on ticket "
                        + a.ticketNumber() + " will be added in a moment.",
                a,
                false);
    }

    private static Page extensionDeniedPage(Activation a) {
        return new Page(
                200,
                "Denied",
                "Your denial was recorded. No time will be added: the access still ends at " + a.endDateTime() + ".",
                a,
                false);
    }

    /** The seed's own request, as the person: justification, ticket, the requested duration from now. */
    private static AssignmentRequest request(Activation a) {
        return new AssignmentRequest(
                a.principalId(),
                a.roleDefinitionId(),
                a.directoryScopeId(),
                Duration.parse(a.requestedDuration()),
                a.justification(),
                a.ticketNumber(),
                a.ticketSystem(),
                a.id());
    }

    private void audit(ConfirmationFlows.Flow flow, String reason, Map<String, Object> evidence) {
        tx.executeWithoutResult(s -> store.lock(flow.activationId())
                .ifPresent(a -> decisions.reject(a, CHANNEL, "data.assertion", reason, evidence)));
    }

    private Optional<Activation> find(String challengeId) {
        if (challengeId == null || !challengeId.matches("[0-9a-fA-F-]{36}")) {
            return Optional.empty();
        }
        return store.findByChallenge(challengeId);
    }

    private static Page unknown() {
        return Page.of(
                404,
                "Unknown confirmation link",
                "This confirmation link is not known. Check that you copied"
                        + " all of it, or ask for the access again.");
    }

    /** Why the challenge cannot be decided any more, in words for the person; null while it can. */
    private String whyClosed(Activation a) {
        Status status = Status.fromWire(a.status()).orElse(null);
        boolean open = decisions.challengeOpen(a);
        if (open && a.challengeExpiresAt() != null && a.challengeExpiresAt().isBefore(clock.instant())) {
            return "The time to confirm ran out at " + a.challengeExpiresAt() + ". Ask for the access again.";
        }
        if (open && process.waitingForMfa(a)) {
            return null;
        }
        if (status == null) {
            return "This request is in an unknown state.";
        }
        // the challenge was an extension's (DESIGN §9.3): say what became of the extension, not of the activation
        Optional<Extensions.Extension> extension = decisions.extensionOfChallenge(a);
        if (extension.isPresent()) {
            return whyExtensionClosed(a, extension.get());
        }
        return switch (status) {
            case PENDING_MFA -> "This request is being closed (its ticket was closed).";
            case ACTIVE -> "This request was already approved; the access is active.";
            case DENIED ->
                "This request was already decided: it was denied"
                        + (a.reason() == null ? "." : " (" + a.reason() + ").");
            case CANCELLED -> "This request was cancelled: its ticket was closed.";
            default -> "This request was already decided; it is now " + status.wire() + ".";
        };
    }

    private static String whyExtensionClosed(Activation a, Extensions.Extension x) {
        return switch (x.status()) {
            case Extensions.EXTENDED ->
                "This extension was already approved; the access now ends at " + x.newEndDateTime() + ".";
            case Extensions.DENIED ->
                "This extension was already decided: it was denied"
                        + (x.reason() == null ? "." : " (" + x.reason() + ").")
                        + " The access keeps its end, " + a.endDateTime() + ".";
            case Extensions.CANCELLED ->
                "This extension was cancelled: the access ended (it is now " + a.status() + ").";
            case Extensions.PENDING_APPROVAL -> "This extension was already confirmed; it waits for the approvers.";
            default ->
                x.mfaAssertionId() != null
                        ? "This extension was already confirmed; the extra time is being added."
                        : "This extension can no longer be confirmed (the access is " + a.status() + ").";
        };
    }

    private String whyClosedOr(Activation a, String otherwise) {
        String why = whyClosed(a);
        return why == null ? otherwise : why;
    }

    /** The authentication context the confirmation asks for: the role policy's, else the configured one. */
    private String requiredContext(Activation a) {
        String fromPolicy = roles.policy(a.roleDefinitionId()).authenticationContext();
        return fromPolicy != null ? fromPolicy : mfaContext;
    }
}
