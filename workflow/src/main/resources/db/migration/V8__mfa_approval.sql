-- The MFA approvals pimflow itself verified (DESIGN §6.1): written by the MFA response path in the same transaction as
-- the assertion's single use and the audit record; the activation step reads it before it calls PIM, so no process
-- variable, message or instance modification can stand in for an approval.
CREATE TABLE mfa_approval (
    activation_id  VARCHAR(36)   NOT NULL PRIMARY KEY,
    challenge_id   VARCHAR(36)   NOT NULL,
    assertion_id   VARCHAR(100)  NOT NULL,
    approved_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- An operator's action in Cockpit or engine REST names a process instance; the audit trail records it on its activation.
CREATE INDEX activation_process_instance ON activation (process_instance_id);
