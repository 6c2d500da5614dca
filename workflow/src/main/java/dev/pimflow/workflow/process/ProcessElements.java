package dev.pimflow.workflow.process;

import dev.pimflow.contracts.EventTypes;

/** Ids and names of ticket-activation.bpmn in one place, used by the code and the tests alike. */
public final class ProcessElements {
    public static final String PROCESS_KEY = "ticket-activation";

    public static final String MESSAGE_ACTIVATION_REQUESTED = EventTypes.TICKET_ACTIVATION_REQUESTED;
    public static final String MESSAGE_MFA_RESPONSE = EventTypes.MFA_RESPONSE;
    public static final String MESSAGE_TICKET_CLOSED = EventTypes.TICKET_CLOSED;
    public static final String MESSAGE_REVOKE_REQUESTED = "activation.revoke-requested";
    public static final String ERROR_ACTIVATION_DENIED = "ActivationDenied";

    public static final String START_ACTIVATION_REQUESTED = "StartEvent_ActivationRequested";
    public static final String SUBPROCESS_PENDING = "SubProcess_PendingActivation";
    public static final String TASK_VALIDATE_REQUEST = "Task_ValidateRequest";
    public static final String GATEWAY_REQUEST_VALID = "Gateway_RequestValid";
    public static final String END_REQUEST_INVALID = "EndEvent_RequestInvalid";
    public static final String TASK_ISSUE_MFA_CHALLENGE = "Task_IssueMfaChallenge";
    public static final String GATEWAY_AWAIT_MFA = "Gateway_AwaitMfa";
    public static final String CATCH_MFA_RESPONSE = "CatchMessage_MfaResponse";
    public static final String CATCH_MFA_TIMEOUT = "CatchTimer_MfaTimeout";
    public static final String END_MFA_DENIED = "EndEvent_MfaDenied";
    public static final String END_MFA_TIMED_OUT = "EndEvent_MfaTimedOut";
    public static final String TASK_ACTIVATE_ROLE = "Task_ActivateRole";
    public static final String END_ACTIVATED = "EndEvent_Activated";
    public static final String BOUNDARY_TICKET_CLOSED_WHILE_PENDING = "BoundaryEvent_TicketClosedWhilePending";
    public static final String TASK_CANCEL_PENDING = "Task_CancelPending";
    public static final String END_CANCELLED = "EndEvent_Cancelled";
    public static final String BOUNDARY_DENIED = "BoundaryEvent_Denied";
    public static final String TASK_RECORD_DENIED = "Task_RecordDenied";
    public static final String END_DENIED = "EndEvent_Denied";
    public static final String GATEWAY_AWAIT_END = "Gateway_AwaitEnd";
    public static final String CATCH_ACTIVATION_ENDS = "CatchTimer_ActivationEnds";
    public static final String CATCH_TICKET_CLOSED = "CatchMessage_TicketClosed";
    public static final String CATCH_REVOKE_REQUESTED = "CatchMessage_RevokeRequested";
    public static final String TASK_REVOKE_ROLE = "Task_RevokeRole";
    public static final String END_REVOKED = "EndEvent_Revoked";

    /** Process variables. */
    public static final class Vars {
        public static final String ACTIVATION_ID = "activationId";
        public static final String TICKET_SYSTEM = "ticketSystem";
        public static final String PRINCIPAL_ID = "principalId";
        public static final String ROLE_DEFINITION_ID = "roleDefinitionId";
        public static final String ROLE_DISPLAY_NAME = "roleDisplayName";
        public static final String REQUEST_VALID = "requestValid";
        public static final String DENY_REASON = "denyReason";
        public static final String MFA_APPROVED = "mfaApproved";
        public static final String END_DATE_TIME = "endDateTime";
        public static final String REVOKE_REASON = "revokeReason";

        private Vars() {}
    }

    private ProcessElements() {}
}
