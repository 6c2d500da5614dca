-- Append-only, hash-chained audit trail (DESIGN §7). One chain for the whole orchestrator; the head row is locked
-- by every append so that sequence numbers and hashes are assigned in commit order.
CREATE TABLE audit_record (
    seq                 BIGINT        NOT NULL PRIMARY KEY,
    activation_id       VARCHAR(64)   NOT NULL,
    at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    actor               VARCHAR(200)  NOT NULL,
    action              VARCHAR(64)   NOT NULL,
    outcome             VARCHAR(64)   NOT NULL,
    ticket_system       VARCHAR(100),
    ticket_number       VARCHAR(100),
    principal_id        VARCHAR(64),
    role_definition_id  VARCHAR(64),
    details             TEXT          NOT NULL,
    prev_hash           VARCHAR(64)   NOT NULL,
    hash                VARCHAR(64)   NOT NULL
);
CREATE INDEX audit_record_activation ON audit_record (activation_id, seq);

CREATE TABLE audit_chain_head (
    id        INT          NOT NULL PRIMARY KEY,
    last_seq  BIGINT       NOT NULL,
    last_hash VARCHAR(64)  NOT NULL
);
INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
