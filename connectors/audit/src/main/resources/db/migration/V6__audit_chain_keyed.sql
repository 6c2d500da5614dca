-- The chain is keyed (ADR 0005): records chained from keyed_from_seq on are hashed with HMAC-SHA256 under a key that
-- lives in configuration, never in this database. Records chained before this migration keep their plain SHA-256
-- hashes and still verify as such; the first start with the key stores the key's public id (key_id) and MACs the
-- head (head_mac), which pins them: from then on none can be rewritten without the key.
ALTER TABLE audit_chain_head ADD COLUMN keyed_from_seq BIGINT DEFAULT 1 NOT NULL;
ALTER TABLE audit_chain_head ADD COLUMN key_id VARCHAR(64);
ALTER TABLE audit_chain_head ADD COLUMN head_mac VARCHAR(64);
UPDATE audit_chain_head SET keyed_from_seq = last_seq + 1 WHERE id = 1;
