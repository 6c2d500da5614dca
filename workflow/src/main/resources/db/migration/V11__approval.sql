-- A stage of a role's approval (DESIGN §9.3) as pimflow asked it and as it was decided. The approvers are fixed when the
-- stage is asked (approval_approver), so who may decide is what the policy said then, not what a process variable or a
-- later edit says; the activation step reads the decisions here before it calls PIM.
CREATE TABLE approval_request (
    id                      VARCHAR(36)   NOT NULL PRIMARY KEY,
    activation_id           VARCHAR(36)   NOT NULL,
    purpose                 VARCHAR(20)   NOT NULL,
    round                   INTEGER       NOT NULL,
    stage                   INTEGER       NOT NULL,
    stages                  INTEGER       NOT NULL,
    status                  VARCHAR(20)   NOT NULL,
    justification_required  BOOLEAN       NOT NULL,
    requested_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    due_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    escalate_at             TIMESTAMP WITH TIME ZONE,
    escalated_at            TIMESTAMP WITH TIME ZONE,
    task_id                 VARCHAR(64),
    decided_by              VARCHAR(36),
    decided_at              TIMESTAMP WITH TIME ZONE,
    decision_justification  VARCHAR(500),
    channel                 VARCHAR(20),
    decision_ref            VARCHAR(200),
    CONSTRAINT approval_request_stage UNIQUE (activation_id, round, stage)
);

CREATE INDEX approval_request_status ON approval_request (status);
CREATE INDEX approval_request_task ON approval_request (task_id);

-- Who may decide a stage: its primary approvers, and its escalation approvers once the stage escalated.
CREATE TABLE approval_approver (
    approval_id  VARCHAR(36)  NOT NULL,
    user_id      VARCHAR(36)  NOT NULL,
    escalation   BOOLEAN      NOT NULL,
    CONSTRAINT approval_approver_pk PRIMARY KEY (approval_id, user_id)
);

-- activation.expiring (DESIGN §9.3) is sent once for each end of an active activation: the end it was sent for.
ALTER TABLE activation ADD COLUMN expiry_warned_for TIMESTAMP WITH TIME ZONE;
