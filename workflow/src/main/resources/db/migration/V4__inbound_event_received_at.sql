-- The deduplication log is pruned by age (InboundEventPruner), so it needs an index on the time an event arrived.
CREATE INDEX inbound_event_received ON inbound_event (received_at);
