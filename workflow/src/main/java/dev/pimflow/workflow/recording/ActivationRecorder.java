package dev.pimflow.workflow.recording;

import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.ActivationExtension;
import dev.pimflow.contracts.ActivationRevoked;
import dev.pimflow.contracts.ActivationStatus;
import dev.pimflow.contracts.ApprovalRequested;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.Decision;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.MfaChallenge;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.Removal;
import dev.pimflow.workflow.audit.AuditChainer;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.metrics.PimflowMetrics;
import dev.pimflow.workflow.outbox.Outbox;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Extensions;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Records every step of an activation's life, the same way: the activation row, one audit record and the outbound
 * events, all in the caller's transaction (the Kafka listener's or the Camunda job's). It performs no step: the
 * handlers in {@code activation} and the process's delegates do, and call it. Nothing here calls PIM or the engine.
 */
@Component
public class ActivationRecorder {
    public static final String SYSTEM_ACTOR = "pimflow";

    private final ActivationStore store;
    private final AuditTrail audit;
    private final Outbox outbox;
    private final PimProperties.Topics topics;
    private final String publicBase;
    private final Clock clock;
    private final PimflowMetrics metrics;

    public ActivationRecorder(
            ActivationStore store,
            AuditTrail audit,
            Outbox outbox,
            PimProperties properties,
            Clock clock,
            PimflowMetrics metrics) {
        this.store = store;
        this.audit = audit;
        this.outbox = outbox;
        this.topics = properties.topics();
        this.publicBase = properties.publicBase();
        this.clock = clock;
        this.metrics = metrics;
    }

    public void requested(Activation a, String eventId, String actor) {
        metrics.statusChanged(a.status());
        record(
                a,
                actor,
                AuditAction.REQUESTED,
                "accepted",
                Map.of(
                        "eventId",
                        eventId,
                        "duration",
                        a.requestedDuration(),
                        "directoryScopeId",
                        a.directoryScopeId(),
                        "justification",
                        a.justification()));
    }

    /** A second request for a live (ticket, principal, role, scope) is a no-op that is audited (DESIGN §6.4). */
    public void duplicateRequest(Activation live, String eventId, String actor) {
        record(
                live,
                actor,
                AuditAction.REQUESTED,
                "duplicate-ignored",
                Map.of("eventId", eventId, "liveStatus", live.status()));
    }

    public void validated(Activation a, boolean valid, String reason, Map<String, Object> details) {
        Map<String, Object> d = new LinkedHashMap<>(details);
        if (reason != null) {
            d.put("reason", reason);
        }
        record(a, SYSTEM_ACTOR, AuditAction.VALIDATED, valid ? "valid" : "invalid", d);
    }

    public void challengeIssued(Activation a, String challengeId, Instant expiresAt) {
        store.challengeIssued(a.id(), challengeId, expiresAt, Status.PENDING_MFA);
        publishChallenge(a, challengeId, expiresAt);
        status(a, Status.PENDING_MFA, null, null, null, null);
        record(
                a,
                SYSTEM_ACTOR,
                AuditAction.MFA_CHALLENGED,
                "sent",
                Map.of("challengeId", challengeId, "expiresAt", expiresAt.toString()));
    }

    /** {@code mfa.challenge} to the person, with the confirmation page's address. */
    private void publishChallenge(Activation a, String challengeId, Instant expiresAt) {
        outbox.publish(
                topics.mfaChallenges(),
                a.principalId(),
                EventTypes.MFA_CHALLENGE,
                a.id(),
                new MfaChallenge(
                        challengeId,
                        a.id(),
                        a.principalId(),
                        a.roleDefinitionId(),
                        a.roleDisplayName(),
                        a.ticketSystem(),
                        a.ticketNumber(),
                        expiresAt,
                        publicBase + "/confirm/" + challengeId));
    }

    public void mfaDecided(Activation a, boolean approved, String assertionId) {
        mfaDecided(a, approved, assertionId, Map.of());
    }

    /**
     * The person's verified decision; {@code evidence} says how it was verified beyond the assertion id (the
     * confirmation page's sign-in: the provider's {@code iss}, {@code sid}, {@code jti}, {@code auth_time}).
     */
    public void mfaDecided(Activation a, boolean approved, String assertionId, Map<String, Object> evidence) {
        metrics.mfaDecided(a, Decision.of(approved).wire());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("challengeId", a.challengeId());
        details.put("assertionId", assertionId);
        details.putAll(evidence);
        record(
                a,
                a.principalId(),
                approved ? AuditAction.MFA_APPROVED : AuditAction.MFA_DENIED,
                Decision.of(approved).wire(),
                details);
    }

    public void mfaRejected(Activation a, String reason) {
        mfaRejected(a, "mfa-gateway", reason, Map.of());
    }

    /** A refused answer to the challenge; {@code actor} is the channel it came through. */
    public void mfaRejected(Activation a, String actor, String reason, Map<String, Object> evidence) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("challengeId", String.valueOf(a.challengeId()));
        details.put("reason", reason);
        details.putAll(evidence);
        record(a, actor, AuditAction.MFA_REJECTED, "rejected", details);
    }

    /** The activation step was reached without an approval pimflow verified: nothing is assigned in PIM. */
    public void activationRefused(Activation a, String why) {
        activationRefused(a, Reason.MFA_NOT_VERIFIED, why);
    }

    /** The activation step was reached without the MFA approval, or a stage's approval, pimflow verified. */
    public void activationRefused(Activation a, Reason reason, String why) {
        record(
                a,
                SYSTEM_ACTOR,
                AuditAction.ACTIVATION_REFUSED,
                "refused",
                Map.of("reason", reason.wire(), "detail", why, "challengeId", String.valueOf(a.challengeId())));
    }

    /**
     * A stage of the role's approval asks its approvers (again, with the escalation approvers, when {@code
     * escalated}): {@code approval.requested} on {@code pim.approvals}; the first stage moves the activation to
     * {@code pending-approval}.
     */
    public void approvalRequested(Activation a, Approvals.Approval stage, Set<String> approvers, boolean escalated) {
        approvalRequested(a, stage, approvers, escalated, a.requestedDuration());
    }

    /** As above, for a request of {@code duration} (an extension's, when the stage is an extension's). */
    public void approvalRequested(
            Activation a, Approvals.Approval stage, Set<String> approvers, boolean escalated, String duration) {
        if (!escalated && stage.stage() == 1 && Approvals.ACTIVATION.equals(stage.purpose())) {
            store.awaitingApproval(a.id());
            status(a, Status.PENDING_APPROVAL, null, null, null, null);
        }
        outbox.publish(
                topics.approvals(),
                a.id(),
                EventTypes.APPROVAL_REQUESTED,
                a.id(),
                new ApprovalRequested(
                        stage.id(),
                        a.id(),
                        stage.purpose(),
                        stage.stage(),
                        stage.stages(),
                        a.ticketSystem(),
                        a.ticketNumber(),
                        a.principalId(),
                        a.roleDefinitionId(),
                        a.roleDisplayName(),
                        a.directoryScopeId(),
                        duration,
                        a.justification(),
                        List.copyOf(approvers),
                        escalated,
                        stage.justificationRequired(),
                        stage.requestedAt(),
                        stage.dueAt(),
                        publicBase + "/approve/" + stage.id()));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("approvalId", stage.id());
        d.put("purpose", stage.purpose());
        d.put("stage", stage.stage() + "/" + stage.stages());
        d.put("approvers", List.copyOf(approvers));
        d.put("dueAt", String.valueOf(stage.dueAt()));
        record(a, SYSTEM_ACTOR, escalated ? AuditAction.APPROVAL_ESCALATED : AuditAction.APPROVAL_REQUESTED, "sent", d);
    }

    /** An approver's checked decision on a stage: who, how (the channel and its evidence) and why. */
    public void approvalDecided(
            Activation a,
            Approvals.Approval stage,
            boolean approved,
            String approver,
            String channel,
            String justification,
            Map<String, Object> evidence) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("approvalId", stage.id());
        d.put("stage", stage.stage() + "/" + stage.stages());
        d.put("channel", channel);
        d.put("justification", justification == null ? "" : justification);
        d.putAll(evidence);
        record(
                a,
                approver,
                approved ? AuditAction.APPROVAL_APPROVED : AuditAction.APPROVAL_DENIED,
                Decision.of(approved).wire(),
                d);
    }

    /** A refused decision: {@code actor} is who tried (as far as pimflow knows), {@code channel} how. */
    public void approvalRejected(
            Activation a,
            Approvals.Approval stage,
            String actor,
            String channel,
            String reason,
            Map<String, Object> evidence) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("approvalId", stage.id());
        d.put("stage", stage.stage() + "/" + stage.stages());
        d.put("channel", channel);
        d.put("reason", reason);
        d.putAll(evidence);
        record(a, actor, AuditAction.APPROVAL_REJECTED, "rejected", d);
    }

    public void approvalTimedOut(Activation a, Approvals.Approval stage) {
        record(
                a,
                SYSTEM_ACTOR,
                AuditAction.APPROVAL_TIMED_OUT,
                "timed-out",
                Map.of(
                        "approvalId",
                        stage.id(),
                        "stage",
                        stage.stage() + "/" + stage.stages(),
                        "dueAt",
                        String.valueOf(stage.dueAt())));
    }

    /**
     * self-activate mode: PIM answered the person's selfActivate {@code PendingApproval}; PIM's own approvers decide
     * (pimflow does not ask them a second time) and pimflow waits for PIM's decision until {@code waitUntil}.
     */
    public void pimApprovalRequested(Activation a, String pimRequestId, Instant waitUntil) {
        store.awaitingPimApproval(a.id(), pimRequestId);
        status(a, Status.PENDING_APPROVAL, null, null, null, pimRequestId);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("runBy", "pim");
        d.put("pimRequestId", pimRequestId);
        d.put("waitUntil", waitUntil.toString());
        record(a, SYSTEM_ACTOR, AuditAction.APPROVAL_REQUESTED, "sent", d);
    }

    /** PIM decided the approval of the person's selfActivate (its request's status, as the app read it). */
    public void pimApprovalDecided(Activation a, String pimRequestId, String pimStatus, boolean approved) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("runBy", "pim");
        d.put("channel", "pim");
        d.put("pimRequestId", pimRequestId);
        d.put("pimStatus", pimStatus);
        record(
                a,
                "pim",
                approved ? AuditAction.APPROVAL_APPROVED : AuditAction.APPROVAL_DENIED,
                Decision.of(approved).wire(),
                d);
    }

    /** More time was asked for the active activation; the process checks it and asks the person to confirm. */
    public void extensionRequested(Activation a, Extensions.Extension x) {
        extensionEvent(a, x, Extensions.REQUESTED, null, null);
        record(a, x.requestedBy(), AuditAction.EXTENSION_REQUESTED, Extensions.REQUESTED, extensionDetails(x, null));
    }

    /** An extension refused before anything was asked of the person (the ticket closed, the activation ended...). */
    public void extensionRefused(Activation a, Extensions.Extension x, String reason) {
        extensionEvent(a, x, Extensions.REFUSED, reason, null);
        record(a, x.requestedBy(), AuditAction.EXTENSION_REFUSED, Extensions.REFUSED, extensionDetails(x, reason));
    }

    /**
     * The person is asked to confirm the extension with MFA: a new challenge on the activation (which stays {@code
     * active}), {@code mfa.challenge} as for a request.
     */
    public void extensionChallengeIssued(Activation a, Extensions.Extension x, String challengeId, Instant expiresAt) {
        store.challengeIssued(a.id(), challengeId, expiresAt, Status.ACTIVE);
        publishChallenge(a, challengeId, expiresAt);
        Map<String, Object> d = extensionDetails(x, null);
        d.put("challengeId", challengeId);
        d.put("expiresAt", expiresAt.toString());
        record(a, SYSTEM_ACTOR, AuditAction.MFA_CHALLENGED, "sent", d);
    }

    /** An extension denied by its checks (MFA, approval, the policy's maximum, PIM): the activation keeps its end. */
    public void extensionDenied(Activation a, Extensions.Extension x, String reason) {
        extensionEvent(a, x, Extensions.DENIED, reason, null);
        record(a, SYSTEM_ACTOR, AuditAction.EXTENSION_DENIED, Extensions.DENIED, extensionDetails(x, reason));
    }

    /** The activation ended while its extension waited. */
    public void extensionCancelled(Activation a, Extensions.Extension x, String reason) {
        extensionEvent(a, x, Extensions.CANCELLED, reason, null);
        record(a, SYSTEM_ACTOR, AuditAction.EXTENSION_DENIED, Extensions.CANCELLED, extensionDetails(x, reason));
    }

    /** PIM moved the end: the activation stays {@code active} with its new end ({@code activation.status} again). */
    public void extended(Activation a, Extensions.Extension x, Assignment assignment) {
        store.extended(a.id(), assignment.endDateTime());
        // the same status with its new end: not a status change the metrics count
        publishStatus(a, Status.ACTIVE, null, a.startDateTime(), assignment.endDateTime(), a.pimRequestId());
        extensionEvent(a, x, Extensions.EXTENDED, null, assignment.endDateTime());
        Map<String, Object> d = extensionDetails(x, null);
        d.put("previousEndDateTime", String.valueOf(a.endDateTime()));
        d.put("endDateTime", String.valueOf(assignment.endDateTime()));
        d.put("pimRequestId", assignment.requestId());
        d.put("pimStatus", assignment.status());
        d.put("adoptedAfterRetry", assignment.adopted());
        record(a, SYSTEM_ACTOR, AuditAction.EXTENDED, Status.ACTIVE.wire(), d);
    }

    private static Map<String, Object> extensionDetails(Extensions.Extension x, String reason) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("extensionId", x.id());
        d.put("round", x.round());
        d.put("duration", x.duration());
        if (x.justification() != null) {
            d.put("justification", x.justification());
        }
        if (x.requestRef() != null) {
            d.put("requestRef", x.requestRef());
        }
        if (reason != null) {
            d.put("reason", reason);
        }
        return d;
    }

    private void extensionEvent(Activation a, Extensions.Extension x, String status, String reason, Instant end) {
        outbox.publish(
                topics.activations(),
                a.id(),
                EventTypes.ACTIVATION_EXTENSION,
                a.id(),
                new ActivationExtension(
                        a.id(),
                        x.id(),
                        x.round(),
                        status,
                        reason,
                        a.ticketSystem(),
                        a.ticketNumber(),
                        a.principalId(),
                        a.roleDefinitionId(),
                        a.directoryScopeId(),
                        x.duration(),
                        end));
    }

    public void denied(Activation a, String reason) {
        store.ended(a.id(), Status.DENIED, reason);
        if (Reason.MFA_TIMEOUT.is(reason)) {
            metrics.mfaDecided(a, "timeout");
        }
        status(a, Status.DENIED, reason, null, null, null);
        AuditAction action = switch (Reason.fromWire(reason).orElse(Reason.DENIED)) {
            case MFA_TIMEOUT -> AuditAction.MFA_EXPIRED;
            case MFA_DENIED -> AuditAction.MFA_DENIED;
            default -> AuditAction.DENIED;
        };
        record(a, SYSTEM_ACTOR, action, Status.DENIED.wire(), Map.of("reason", reason));
    }

    public void activated(Activation a, Assignment assignment) {
        store.activated(
                a.id(), Status.ACTIVE, assignment.startDateTime(), assignment.endDateTime(), assignment.requestId());
        metrics.activated(a);
        status(a, Status.ACTIVE, null, assignment.startDateTime(), assignment.endDateTime(), assignment.requestId());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("pimRequestId", assignment.requestId());
        d.put("pimStatus", assignment.status());
        d.put("startDateTime", String.valueOf(assignment.startDateTime()));
        d.put("endDateTime", String.valueOf(assignment.endDateTime()));
        d.put("adoptedAfterRetry", assignment.adopted());
        record(a, SYSTEM_ACTOR, AuditAction.ACTIVATED, Status.ACTIVE.wire(), d);
    }

    public void ticketClosed(Activation a, String eventId, String actor) {
        record(
                a,
                actor,
                AuditAction.REVOKE_REQUESTED,
                Reason.TICKET_CLOSED.wire(),
                Map.of("eventId", eventId, "statusAtClosure", a.status()));
    }

    /** A {@code ticket.assigned} dropped the activation's principal ({@code pim.tickets.require-assignee}). */
    public void ticketReassigned(Activation a, String eventId, String actor) {
        record(
                a,
                actor,
                AuditAction.REVOKE_REQUESTED,
                Reason.TICKET_REASSIGNED.wire(),
                Map.of("eventId", eventId, "statusAtReassignment", a.status()));
    }

    public void manualRevokeRequested(Activation a, String actor, String reason, String surface) {
        record(
                a,
                actor,
                AuditAction.REVOKE_REQUESTED,
                Reason.MANUAL.wire(),
                Map.of("reason", reason, "surface", surface));
    }

    public void revoked(Activation a, String reason, Removal removal) {
        Instant now = clock.instant();
        store.ended(a.id(), Status.REVOKED, reason);
        metrics.revoked(a, reason, now);
        status(a, Status.REVOKED, reason, a.startDateTime(), a.endDateTime(), a.pimRequestId());
        outbox.publish(
                topics.revocations(),
                a.principalId(),
                EventTypes.ACTIVATION_REVOKED,
                a.id(),
                new ActivationRevoked(
                        a.id(),
                        a.principalId(),
                        a.roleDefinitionId(),
                        a.directoryScopeId(),
                        a.ticketSystem(),
                        a.ticketNumber(),
                        reason,
                        now));
        record(a, SYSTEM_ACTOR, AuditAction.REVOKED, reason, removalDetails(removal));
    }

    public void cancelled(Activation a, Removal removal) {
        cancelled(a, Reason.TICKET_CLOSED, removal);
    }

    /** The activation ended before it became active: its ticket closed, or was reassigned to others. */
    public void cancelled(Activation a, Reason reason, Removal removal) {
        store.ended(a.id(), Status.CANCELLED, reason.wire());
        status(a, Status.CANCELLED, reason.wire(), null, null, null);
        record(a, SYSTEM_ACTOR, AuditAction.CANCELLED, reason.wire(), removalDetails(removal));
    }

    public void incident(Activation a, String activityId, String message) {
        record(a, SYSTEM_ACTOR, AuditAction.INCIDENT, "open", Map.of("activityId", activityId, "message", message));
    }

    private static Map<String, Object> removalDetails(Removal removal) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("pimRemovalRequestId", removal.requestId());
        d.put("assignmentRemoved", removal.removed());
        return d;
    }

    private void status(Activation a, Status status, String reason, Instant start, Instant end, String pimRequestId) {
        metrics.statusChanged(status.wire());
        publishStatus(a, status, reason, start, end, pimRequestId);
    }

    private void publishStatus(
            Activation a, Status status, String reason, Instant start, Instant end, String pimRequestId) {
        outbox.publish(
                topics.activations(),
                a.id(),
                EventTypes.ACTIVATION_STATUS,
                a.id(),
                new ActivationStatus(
                        a.id(),
                        a.ticketSystem(),
                        a.ticketNumber(),
                        a.principalId(),
                        a.roleDefinitionId(),
                        a.directoryScopeId(),
                        status.wire(),
                        reason,
                        start,
                        end,
                        pimRequestId));
    }

    /** The record is chained and published to {@code pim.audit} by the {@link AuditChainer} once this step commits. */
    private void record(Activation a, String actor, AuditAction action, String outcome, Map<String, Object> details) {
        audit.record(a.auditEntry(actor, action.wire(), outcome, details));
    }
}
