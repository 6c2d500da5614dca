-- An extension of an active activation (DESIGN §9.3) as it was asked for and what became of it. The extension's MFA
-- answer is recorded here (mfa_assertion_id, beside its single use in used_mfa_assertion), so the step that extends in
-- PIM checks a proof pimflow verified for this extension's own challenge, not the activation's first one.
CREATE TABLE activation_extension (
    id                  VARCHAR(36)   NOT NULL PRIMARY KEY,
    activation_id       VARCHAR(36)   NOT NULL,
    round               INTEGER       NOT NULL,
    status              VARCHAR(20)   NOT NULL,
    reason              VARCHAR(500),
    duration            VARCHAR(32)   NOT NULL,
    justification       VARCHAR(500),
    requested_by        VARCHAR(200)  NOT NULL,
    request_ref         VARCHAR(200),
    requested_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    challenge_id        VARCHAR(36),
    mfa_assertion_id    VARCHAR(100),
    approval_stages     INTEGER       NOT NULL DEFAULT 0,
    decided_at          TIMESTAMP WITH TIME ZONE,
    new_end_date_time   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT activation_extension_round UNIQUE (activation_id, round)
);

CREATE INDEX activation_extension_challenge ON activation_extension (challenge_id);
