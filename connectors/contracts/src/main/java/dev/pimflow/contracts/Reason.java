package dev.pimflow.contracts;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code reason} an activation ended with, in {@code activation.status} and {@code activation.revoked} (DESIGN §3,
 * §4) and in the store: why it was denied, revoked or cancelled. A denial may also carry a reason this enum does not
 * name (a PIM error code), and {@link #DURATION_EXCEEDS_POLICY} is followed by the durations.
 */
public enum Reason implements WireValue {
    /** The ticket closed: a pending activation is cancelled, an active one revoked, a later request denied. */
    TICKET_CLOSED("ticket-closed", Status.DENIED, Status.REVOKED, Status.CANCELLED),
    /** The activation's duration ran out. */
    EXPIRED("expired", Status.REVOKED),
    /** An operator revoked it (REST API or pimctl). */
    MANUAL("manual", Status.REVOKED),
    NOT_ELIGIBLE("not-eligible", Status.DENIED),
    /** Written as {@code duration-exceeds-policy: <requested> > <maximum>}. */
    DURATION_EXCEEDS_POLICY("duration-exceeds-policy", Status.DENIED),
    JUSTIFICATION_REQUIRED("justification-required", Status.DENIED),
    TICKET_REQUIRED("ticket-required", Status.DENIED),
    MFA_DENIED("mfa-denied", Status.DENIED),
    MFA_TIMEOUT("mfa-timeout", Status.DENIED),
    /** The activation step found no MFA approval that pimflow verified (DESIGN §6.1). */
    MFA_NOT_VERIFIED("mfa-not-verified", Status.DENIED),
    /** {@code pim.tickets.require-open}: the request's ticket is not known to be open (DESIGN §9.2). */
    TICKET_NOT_OPEN("ticket-not-open", Status.DENIED),
    /** {@code pim.tickets.require-assignee}: the principal is not among the ticket's assignees. */
    NOT_AN_ASSIGNEE("not-an-assignee", Status.DENIED),
    /** {@code pim.tickets.require-assignee}: a {@code ticket.assigned} dropped the principal. */
    TICKET_REASSIGNED("ticket-reassigned", Status.REVOKED, Status.CANCELLED),
    /**
     * The principal already holds the role at the scope through another ticket's activation: PIM keeps one assignment
     * per principal, role and scope, and it belongs to that ticket (DESIGN §9.2). Written as
     * {@code role-active-for-another-ticket: <ticketSystem> <ticketNumber>}.
     */
    ROLE_ACTIVE_FOR_ANOTHER_TICKET("role-active-for-another-ticket", Status.DENIED),
    /** Denied without a stated reason. */
    /** An approver of the role's policy denied the request (DESIGN §9.3). */
    APPROVAL_DENIED("approval-denied", Status.DENIED),
    /** No approver decided within the stage's {@code approvalStageTimeOutInDays} (DESIGN §9.3). */
    APPROVAL_TIMEOUT("approval-timeout", Status.DENIED),
    /** The activation step found a stage the policy requires without an approval pimflow verified (DESIGN §9.3). */
    APPROVAL_NOT_VERIFIED("approval-not-verified", Status.DENIED),
    DENIED("denied", Status.DENIED);

    private final String wire;
    private final Set<Status> statuses;

    Reason(String wire, Status first, Status... more) {
        this.wire = wire;
        this.statuses = EnumSet.of(first, more);
    }

    @Override
    public String wire() {
        return wire;
    }

    /** Whether an activation may end with {@code status} for this reason. */
    public boolean explains(Status status) {
        return statuses.contains(status);
    }

    public static Optional<Reason> fromWire(String wire) {
        return WireValue.lookup(Reason.class, wire);
    }

    @Override
    public String toString() {
        return wire;
    }
}
