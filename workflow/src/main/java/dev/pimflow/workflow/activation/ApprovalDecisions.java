package dev.pimflow.workflow.activation;

import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.process.ActivationProcess;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Approvals.Approval;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An approver's decision on an approval stage (DESIGN §9.3), whatever its channel (Tasklist, the product API, a signed
 * {@code approval.decision}): the same rules, checked by pimflow and recorded in {@code approval_request} before the
 * process moves. The approver is one of the stage's approvers as fixed when it was asked (escalation approvers once it
 * escalated), never the requester; the stage is still pending and not past its timeout; the policy's approver
 * justification is given. Every decision and every refusal is audited with who, how and why.
 */
@Service
public class ApprovalDecisions {
    private static final Logger log = LoggerFactory.getLogger(ApprovalDecisions.class);
    public static final int MAX_JUSTIFICATION = 500;
    /** The channels whose approver is a pimflow login (its e-mail, as the admin set it). */
    private static final Set<String> LOGIN_CHANNELS = Set.of("api", "tasklist");

    private final Approvals approvals;
    private final ActivationStore store;
    private final ActivationRecorder recorder;
    private final ActivationProcess process;
    private final Clock clock;
    private final TransactionTemplate ownTransaction;
    private final boolean loginsRefused;
    private final String approvalPages;

    public ApprovalDecisions(
            Approvals approvals,
            ActivationStore store,
            ActivationRecorder recorder,
            ActivationProcess process,
            Clock clock,
            PlatformTransactionManager transactions,
            PimProperties properties) {
        // where the identity provider is configured, approvers sign in with it (DESIGN §9.3), not as pimflow logins
        this.loginsRefused =
                properties.idp().configured() && properties.approvals().requireIdentityProvider();
        this.approvalPages = properties.publicBase() + "/approve/";
        this.approvals = approvals;
        this.store = store;
        this.recorder = recorder;
        this.process = process;
        this.clock = clock;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** What became of a decision. */
    public sealed interface Outcome {
        /** Recorded; the stage's task completed. */
        record Decided(Approval approval) implements Outcome {}

        /**
         * Refused and audited; nothing changed.
         *
         * @param status the HTTP status the product API answers with (403 who, 400 what, 404, 409 when)
         */
        record Refused(int status, String error) implements Outcome {}
    }

    /**
     * A decision through the product API or a signed event, in the caller's transaction: checked, recorded and audited,
     * then the stage's Tasklist task is completed so the process reads the recorded decision.
     *
     * @param approver the approver's Entra object id as pimflow established it (the login's directory identity, the
     *     assertion's verified subject); null when it could not be established
     * @param actor who tried, for the audit record when the approver is unknown
     */
    public Outcome decide(
            String approvalId,
            String approver,
            boolean approve,
            String justification,
            String channel,
            String actor,
            Map<String, Object> evidence) {
        Approval stage = approvals.lock(approvalId).orElse(null);
        if (stage == null) {
            return new Outcome.Refused(404, "no approval " + approvalId);
        }
        Activation a = store.lock(stage.activationId()).orElseThrow();
        Outcome.Refused refused = refusal(stage, a, approver, justification, channel);
        if (refused != null) {
            recorder.approvalRejected(a, stage, actorOf(approver, actor), channel, refused.error(), evidence);
            log.warn(
                    "approval {} ({}) refused for {}: {}",
                    stage.id(),
                    channel,
                    actorOf(approver, actor),
                    refused.error());
            return refused;
        }
        record(stage, a, approve, approver, justification, channel, evidence);
        if (!process.completeApprovalTask(stage.taskId())) {
            // the stage's task exists whenever the stage is pending (both are written in one transaction)
            throw new IllegalStateException("approval " + stage.id() + " is pending but its task " + stage.taskId()
                    + " is gone; nothing is recorded");
        }
        return new Outcome.Decided(approvals.find(stage.id()).orElseThrow());
    }

    /**
     * A decision made by completing the stage's task in Tasklist (or engine REST) as a logged-in approver, in the
     * completion's transaction, before the engine runs it ({@link ApprovalTaskGuard}): a refusal is audited in its own transaction (the completion's is rolled back) and returned, for the
     * caller to refuse the completion with.
     */
    Outcome decideInTask(
            Approval stage,
            String approver,
            boolean approve,
            String justification,
            String login,
            Map<String, Object> evidence) {
        Activation unlocked = store.find(stage.activationId()).orElseThrow();
        Outcome.Refused refused = refusal(stage, unlocked, approver, justification, "tasklist");
        if (refused != null) {
            ownTransaction.executeWithoutResult(s -> recorder.approvalRejected(
                    unlocked, stage, actorOf(approver, "login:" + login), "tasklist", refused.error(), evidence));
            log.warn("approval {} (tasklist) refused for login {}: {}", stage.id(), login, refused.error());
            return refused;
        }
        Approval locked = approvals.lock(stage.id()).orElseThrow();
        Activation a = store.lock(stage.activationId()).orElseThrow();
        Outcome.Refused raced = refusal(locked, a, approver, justification, "tasklist");
        if (raced != null) {
            return raced;
        }
        record(locked, a, approve, approver, justification, "tasklist", evidence);
        return new Outcome.Decided(approvals.find(stage.id()).orElseThrow());
    }

    private void record(
            Approval stage,
            Activation a,
            boolean approve,
            String approver,
            String justification,
            String channel,
            Map<String, Object> evidence) {
        String why = justification == null || justification.isBlank() ? null : justification.strip();
        if (!approvals.decided(stage.id(), approve, approver, why, channel, String.valueOf(evidence.get("ref")))) {
            throw new IllegalStateException("approval " + stage.id() + " was decided meanwhile");
        }
        recorder.approvalDecided(a, stage, approve, approver.toLowerCase(Locale.ROOT), channel, why, evidence);
        log.info(
                "approval {} (stage {}/{} of activation {}) {} by {} via {}",
                stage.id(),
                stage.stage(),
                stage.stages(),
                a.id(),
                approve ? "approved" : "denied",
                approver,
                channel);
    }

    /**
     * A sign-in for a decision that failed before pimflow could check its approver (the identity provider's checks,
     * DESIGN §9.3): audited on the stage like any refused decision, in the caller's transaction.
     *
     * @param actor who signed in as far as the provider's verified answer says, else who tried
     */
    public void signInRefused(
            String approvalId, String actor, String channel, String reason, Map<String, Object> evidence) {
        Approval stage = approvals.find(approvalId).orElse(null);
        Activation a = stage == null ? null : store.lock(stage.activationId()).orElse(null);
        if (a == null) {
            log.warn("sign-in for approval {} ({}) refused for {}: {}", approvalId, channel, actor, reason);
            return;
        }
        recorder.approvalRejected(a, stage, actor, channel, reason, evidence);
        log.warn("approval {} ({}) refused for {}: {}", stage.id(), channel, actor, reason);
    }

    /** The rules every channel's decision passes; null when it holds. */
    Outcome.Refused refusal(Approval stage, Activation a, String approver, String justification, String channel) {
        if (loginsRefused && LOGIN_CHANNELS.contains(channel)) {
            return new Outcome.Refused(
                    403,
                    "approvers sign in with the identity provider: open " + approvalPages + stage.id()
                            + " (pim.approvals.require-identity-provider)");
        }
        if (!stage.pending()) {
            return new Outcome.Refused(409, "approval " + stage.id() + " is " + stage.status() + ", not pending");
        }
        if (stage.dueAt().isBefore(clock.instant())) {
            return new Outcome.Refused(409, "approval " + stage.id() + " timed out at " + stage.dueAt());
        }
        if (approver == null) {
            return new Outcome.Refused(
                    403,
                    "approver: pimflow cannot tell who you are in the directory (a login needs the e-mail address of"
                            + " its Entra user)");
        }
        if (approver.equalsIgnoreCase(a.principalId())) {
            return new Outcome.Refused(403, "approver: the requester never approves their own request");
        }
        if (!approvals.mayDecide(stage, approver)) {
            return new Outcome.Refused(
                    403,
                    "approver: " + approver + " is not one of the approvers of stage " + stage.stage() + "/"
                            + stage.stages() + (stage.escalatedAt() == null ? "" : " (escalated)"));
        }
        if (justification != null && justification.length() > MAX_JUSTIFICATION) {
            return new Outcome.Refused(400, "justification: longer than " + MAX_JUSTIFICATION + " characters");
        }
        if (stage.justificationRequired() && (justification == null || justification.isBlank())) {
            return new Outcome.Refused(400, "justification: required by the role's policy");
        }
        return null;
    }

    private static String actorOf(String approver, String actor) {
        return approver != null ? approver.toLowerCase(Locale.ROOT) : actor;
    }
}
