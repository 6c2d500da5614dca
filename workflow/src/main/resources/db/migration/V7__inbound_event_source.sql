-- Deduplication by CloudEvents source and id together (DESIGN §6.4): the same id from another source is another event,
-- and the same source and id with other content is an id reused (dead-lettered and audited), told from a redelivery by
-- the SHA-256 of the event's content. The table is rebuilt because a primary key cannot be changed portably.
-- Ids recorded before this version have no known source (''), and no content hash: for as long as they are kept
-- (pim.inbound.retention) an event with such an id is still taken for a redelivery, as before.
CREATE TABLE inbound_event_by_source (
    topic        VARCHAR(249) NOT NULL,
    event_id     VARCHAR(200) NOT NULL,
    event_source VARCHAR(200) NOT NULL,
    event_type   VARCHAR(100) NOT NULL,
    content_hash VARCHAR(64),
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (topic, event_id, event_source)
);

INSERT INTO inbound_event_by_source (topic, event_id, event_source, event_type, content_hash, received_at)
    SELECT topic, event_id, '', event_type, NULL, received_at FROM inbound_event;

DROP TABLE inbound_event;

ALTER TABLE inbound_event_by_source RENAME TO inbound_event;

CREATE INDEX inbound_event_received ON inbound_event (received_at);
