package dev.pimflow.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A validated inbound CloudEvent: its envelope attributes and its schema-checked {@code data}. {@code source} and
 * {@code id} together identify the event (CloudEvents 1.0: "Producers MUST ensure that source + id is unique for each
 * distinct event").
 */
public record InboundEvent(String id, String type, String source, String subject, OffsetDateTime time, JsonNode data) {
    private static final ObjectMapper CANONICAL =
            new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public InboundEvent(String id, String type, String source, OffsetDateTime time, JsonNode data) {
        this(id, type, source, null, time, data);
    }

    /**
     * SHA-256 (hex) of what the event says: {@code source}, {@code id}, {@code type}, {@code subject} and {@code data},
     * as canonical JSON (keys sorted, no white space). {@code time} and extension attributes are left out: a producer
     * that resends an event after a timeout may stamp them anew, and they do not change what the event asks for. Two
     * events with the same source and id and the same hash are one event delivered twice; the same source and id with
     * another hash is an id reused for different content.
     */
    public String contentHash() {
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("source", source);
        canonical.put("id", id);
        canonical.put("type", type);
        canonical.put("subject", subject);
        canonical.put("data", data == null ? null : CANONICAL.convertValue(data, Object.class));
        try {
            byte[] json = CANONICAL.writeValueAsBytes(canonical);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash event " + id, e);
        }
    }
}
