package dev.pimflow.contracts;

import java.util.Set;

/** CloudEvents {@code type} values of DESIGN §4. BPMN message names equal these where a message is correlated. */
public final class EventTypes {
    public static final String TICKET_ACTIVATION_REQUESTED = "ticket.activation-requested";
    public static final String TICKET_CLOSED = "ticket.closed";
    public static final String TICKET_OPENED = "ticket.opened";
    public static final String TICKET_ASSIGNED = "ticket.assigned";
    public static final String TICKET_REOPENED = "ticket.reopened";
    public static final String TICKET_EXTENSION_REQUESTED = "ticket.extension-requested";
    public static final String MFA_CHALLENGE = "mfa.challenge";
    public static final String MFA_RESPONSE = "mfa.response";
    public static final String ACTIVATION_STATUS = "activation.status";
    public static final String ACTIVATION_REVOKED = "activation.revoked";
    public static final String AUDIT_RECORD = "audit.record";
    public static final String ACTIVATION_EXPIRING = "activation.expiring";
    public static final String ACTIVATION_EXTENSION = "activation.extension";
    public static final String APPROVAL_REQUESTED = "approval.requested";
    public static final String APPROVAL_DECISION = "approval.decision";

    /** Types a ticket system may publish on {@code tickets.events}. */
    public static final Set<String> TICKET_EVENTS = Set.of(
            TICKET_ACTIVATION_REQUESTED,
            TICKET_CLOSED,
            TICKET_OPENED,
            TICKET_ASSIGNED,
            TICKET_REOPENED,
            TICKET_EXTENSION_REQUESTED);

    private EventTypes() {}
}
