-- pim.audit is published from the chain itself (ADR 0004): the relay sends the chained records after last_seq in
-- seq order and then advances last_seq, instead of the chainer writing one outbox row per record. Records chained
-- before this migration already have their events in the outbox, so publication starts after the current head.
CREATE TABLE audit_published (
    id        INT     NOT NULL PRIMARY KEY,
    last_seq  BIGINT  NOT NULL
);
INSERT INTO audit_published (id, last_seq) SELECT id, last_seq FROM audit_chain_head WHERE id = 1;
