package dev.pimflow.workflow.process;

import dev.pimflow.contracts.EventTypes;

/**
 * Ids and names of ticket-activation.bpmn in one place. Package-private on purpose: outside this package the process
 * is {@link ActivationProcess}, so only it, the delegates and the process test know message names, variables and
 * element ids (the compiler enforces it).
 */
final class ProcessElements {
    static final String PROCESS_KEY = "ticket-activation";

    static final String MESSAGE_ACTIVATION_REQUESTED = EventTypes.TICKET_ACTIVATION_REQUESTED;
    static final String MESSAGE_MFA_RESPONSE = EventTypes.MFA_RESPONSE;
    static final String MESSAGE_TICKET_CLOSED = EventTypes.TICKET_CLOSED;
    static final String MESSAGE_REVOKE_REQUESTED = "activation.revoke-requested";
    static final String MESSAGE_EXTENSION_REQUESTED = EventTypes.TICKET_EXTENSION_REQUESTED;
    /** Not an event type: the ticket listener's conclusion from a ticket.assigned that dropped the principal. */
    static final String MESSAGE_TICKET_REASSIGNED = "ticket.reassigned";

    static final String ERROR_ACTIVATION_DENIED = "ActivationDenied";

    static final String START_ACTIVATION_REQUESTED = "StartEvent_ActivationRequested";
    static final String SUBPROCESS_PENDING = "SubProcess_PendingActivation";
    static final String TASK_VALIDATE_REQUEST = "Task_ValidateRequest";
    static final String GATEWAY_REQUEST_VALID = "Gateway_RequestValid";
    static final String END_REQUEST_INVALID = "EndEvent_RequestInvalid";
    static final String TASK_ISSUE_MFA_CHALLENGE = "Task_IssueMfaChallenge";
    static final String GATEWAY_AWAIT_MFA = "Gateway_AwaitMfa";
    static final String CATCH_MFA_RESPONSE = "CatchMessage_MfaResponse";
    static final String CATCH_MFA_TIMEOUT = "CatchTimer_MfaTimeout";
    static final String END_MFA_DENIED = "EndEvent_MfaDenied";
    static final String END_MFA_TIMED_OUT = "EndEvent_MfaTimedOut";
    static final String TASK_ACTIVATE_ROLE = "Task_ActivateRole";
    static final String END_ACTIVATED = "EndEvent_Activated";
    static final String BOUNDARY_TICKET_CLOSED_WHILE_PENDING = "BoundaryEvent_TicketClosedWhilePending";
    static final String BOUNDARY_REASSIGNED_WHILE_PENDING = "BoundaryEvent_ReassignedWhilePending";
    static final String TASK_CANCEL_PENDING = "Task_CancelPending";
    static final String END_CANCELLED = "EndEvent_Cancelled";
    static final String BOUNDARY_DENIED = "BoundaryEvent_Denied";
    static final String TASK_RECORD_DENIED = "Task_RecordDenied";
    static final String END_DENIED = "EndEvent_Denied";
    static final String GATEWAY_AWAIT_END = "Gateway_AwaitEnd";
    static final String CATCH_ACTIVATION_ENDS = "CatchTimer_ActivationEnds";
    static final String CATCH_TICKET_CLOSED = "CatchMessage_TicketClosed";
    static final String CATCH_REVOKE_REQUESTED = "CatchMessage_RevokeRequested";
    static final String CATCH_TICKET_REASSIGNED = "CatchMessage_TicketReassigned";
    static final String TASK_REVOKE_ROLE = "Task_RevokeRole";
    static final String END_REVOKED = "EndEvent_Revoked";
    static final String GATEWAY_APPROVAL_REQUIRED = "Gateway_ApprovalRequired";
    static final String SUBPROCESS_APPROVAL = "SubProcess_Approval";
    static final String TASK_REQUEST_APPROVAL = "Task_RequestApproval";
    static final String USER_TASK_APPROVE_STAGE = "UserTask_ApproveStage";
    static final String TASK_CHECK_APPROVAL_DECISION = "Task_CheckApprovalDecision";
    static final String END_STAGE_APPROVED = "EndEvent_StageApproved";
    static final String BOUNDARY_ESCALATE = "BoundaryTimer_Escalate";
    static final String TASK_ESCALATE_APPROVAL = "Task_EscalateApproval";
    static final String END_ESCALATED = "EndEvent_Escalated";
    static final String BOUNDARY_APPROVAL_TIMEOUT = "BoundaryTimer_ApprovalTimeout";
    static final String TASK_RECORD_APPROVAL_TIMEOUT = "Task_RecordApprovalTimeout";
    static final String END_APPROVAL_TIMED_OUT = "EndEvent_ApprovalTimedOut";

    static final String SUBPROCESS_EXTENSION = "SubProcess_Extension";
    static final String CATCH_EXTENSION_REQUESTED = "CatchMessage_ExtensionRequested";
    static final String TASK_CHECK_EXTENSION = "Task_CheckExtension";
    static final String TASK_ISSUE_EXTENSION_CHALLENGE = "Task_IssueExtensionChallenge";
    static final String GATEWAY_AWAIT_EXTENSION_MFA = "Gateway_AwaitExtensionMfa";
    static final String TASK_REQUEST_EXTENSION_APPROVAL = "Task_ExtensionRequestApproval";
    static final String CATCH_EXTENSION_MFA_RESPONSE = "CatchMessage_ExtensionMfaResponse";
    static final String CATCH_EXTENSION_MFA_TIMEOUT = "CatchTimer_ExtensionMfaTimeout";
    static final String SUBPROCESS_EXTENSION_APPROVAL = "SubProcess_ExtensionApproval";
    static final String USER_TASK_APPROVE_EXTENSION_STAGE = "UserTask_ExtensionApproveStage";
    static final String TASK_EXTEND_ROLE = "Task_ExtendRole";
    static final String END_EXTENDED = "EndEvent_Extended";
    static final String END_EXTENSION_REFUSED = "EndEvent_ExtensionRefused";
    static final String BOUNDARY_EXTENSION_DENIED = "BoundaryEvent_ExtensionDenied";
    static final String TASK_RECORD_EXTENSION_DENIED = "Task_RecordExtensionDenied";
    static final String BOUNDARY_TICKET_CLOSED_WHILE_EXTENDING = "BoundaryEvent_TicketClosedWhileExtending";
    static final String BOUNDARY_ACTIVATION_ENDS_WHILE_EXTENDING = "BoundaryTimer_ActivationEndsWhileExtending";

    static final String GATEWAY_PIM_APPROVAL_PENDING = "Gateway_PimApprovalPending";
    static final String CATCH_PIM_APPROVAL_POLL = "CatchTimer_PimApprovalPoll";
    static final String TASK_CHECK_PIM_APPROVAL = "Task_CheckPimApproval";

    /** Process variables. */
    static final class Vars {
        static final String ACTIVATION_ID = "activationId";
        static final String TICKET_SYSTEM = "ticketSystem";
        static final String PRINCIPAL_ID = "principalId";
        static final String ROLE_DEFINITION_ID = "roleDefinitionId";
        static final String ROLE_DISPLAY_NAME = "roleDisplayName";
        static final String REQUEST_VALID = "requestValid";
        static final String DENY_REASON = "denyReason";
        static final String MFA_APPROVED = "mfaApproved";
        static final String END_DATE_TIME = "endDateTime";
        static final String REVOKE_REASON = "revokeReason";
        static final String CANCEL_REASON = "cancelReason";
        /** How many approval stages pimflow asks (set at validation); absent or 0 when none. */
        static final String APPROVAL_STAGE_COUNT = "approvalStageCount";
        /** Camunda's multi-instance counter (0-based): this instance of the approval subprocess asks stage + 1. */
        static final String LOOP_COUNTER = "loopCounter";
        /** Local to a stage: its {@code approval_request} id, and the dates of its two timers. */
        static final String APPROVAL_ID = "approvalId";

        static final String APPROVAL_DUE_AT = "approvalDueAt";
        /** The extension being handled (its {@code activation_extension} id), set with its request message. */
        static final String EXTENSION_ID = "extensionId";
        /** Whether the extension passed its check (the policy's maximum); set by the check. */
        static final String EXTENSION_VALID = "extensionValid";
        /** How many approval stages the extension asks (isApprovalRequiredForExtension); 0 when none. */
        static final String EXTENSION_APPROVAL_STAGES = "extensionApprovalStages";
        /**
         * The round the approval stages being asked belong to: absent or 0 for the activation, the extension's round
         * for an extension.
         */
        static final String APPROVAL_ROUND = "approvalRound";
        /** self-activate mode: PIM answered the person's selfActivate PendingApproval; the process waits for PIM. */
        static final String PIM_APPROVAL_PENDING = "pimApprovalPending";
        /** Until when pimflow waits for PIM's approval before it cancels the request (denied approval-timeout). */
        static final String PIM_APPROVAL_WAIT_UNTIL = "pimApprovalWaitUntil";

        static final String APPROVAL_ESCALATE_AT = "approvalEscalateAt";

        private Vars() {}
    }

    private ProcessElements() {}
}
