package dev.pimflow.contracts;

import java.util.Optional;

/**
 * The {@code action} of an audit record (DESIGN §7): one per step of an activation, and one per thing a person did or
 * was refused. Records about no single activation have activation id {@code -}.
 */
public enum AuditAction implements WireValue {
    // the steps of an activation
    REQUESTED("requested"),
    VALIDATED("validated"),
    MFA_CHALLENGED("mfa-challenged"),
    MFA_APPROVED("mfa-approved"),
    MFA_DENIED("mfa-denied"),
    MFA_EXPIRED("mfa-expired"),
    /** An MFA response that was refused (bad signature, wrong principal, expired, replayed...). */
    MFA_REJECTED("mfa-rejected"),
    /** The activation step found no verified MFA approval and assigned nothing (DESIGN §6.1). */
    ACTIVATION_REFUSED("activation-refused"),
    /** A stage of the role's approval asked its approvers (DESIGN §9.3). */
    APPROVAL_REQUESTED("approval-requested"),
    /** The stage's escalation approvers were asked too. */
    APPROVAL_ESCALATED("approval-escalated"),
    APPROVAL_APPROVED("approval-approved"),
    APPROVAL_DENIED("approval-denied"),
    APPROVAL_TIMED_OUT("approval-timed-out"),
    /** A decision refused: not an approver of the stage, the requester, decided already, no justification... */
    APPROVAL_REJECTED("approval-rejected"),
    /** More time asked for an active activation (DESIGN §9.3). */
    EXTENSION_REQUESTED("extension-requested"),
    /** An extension refused before anything was asked of the person: the ticket closed, the activation ended... */
    EXTENSION_REFUSED("extension-refused"),
    /** An extension denied by its checks: MFA, approval, the policy's maximum or PIM. */
    EXTENSION_DENIED("extension-denied"),
    /** The activation's end moved in PIM. */
    EXTENDED("extended"),
    DENIED("denied"),
    ACTIVATED("activated"),
    REVOKE_REQUESTED("revoke-requested"),
    REVOKED("revoked"),
    CANCELLED("cancelled"),
    INCIDENT("incident"),
    // rejected input (DESIGN §6.4, §6.5)
    EVENT_ID_REUSED("event-id-reused"),
    /** One record per window counting the rejected inputs that were not audited one by one. */
    INPUT_REJECTIONS_SUPPRESSED("input-rejections-suppressed"),
    // what a person did or was refused (DESIGN §6.8)
    OPERATOR_ACTION("operator-action"),
    OPERATION_REFUSED("operation-refused"),
    /** One record per window counting the refused operations that were not audited one by one. */
    OPERATIONS_REFUSED_SUPPRESSED("operations-refused-suppressed"),
    DEV_MFA_ANSWERED("dev-mfa-answered"),
    LOGIN_THROTTLED("login-throttled"),
    ADMIN_UNLOCKED("admin-unlocked");

    private final String wire;

    AuditAction(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    public static Optional<AuditAction> fromWire(String wire) {
        return WireValue.lookup(AuditAction.class, wire);
    }

    @Override
    public String toString() {
        return wire;
    }
}
