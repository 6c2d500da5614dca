package dev.pimflow.contracts;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;

/** A validated inbound CloudEvent: its envelope attributes and its schema-checked {@code data}. */
public record InboundEvent(String id, String type, String source, OffsetDateTime time, JsonNode data) {
}
