package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Reading the CloudEvents of DESIGN §4 off a topic, leniently: structured mode, binary mode, or not an event at all. */
final class Events {
    static final URI SOURCE = URI.create("urn:pimflow:pimctl");
    static final String CONTENT_TYPE_HEADER = "content-type";

    private static final class Holder {
        static final EventCodec CODEC = new EventCodec();
    }

    private Events() {}

    static EventCodec codec() {
        return Holder.CODEC;
    }

    static ObjectMapper mapper() {
        return codec().mapper();
    }

    /**
     * One record as seen by pimctl.
     *
     * @param envelope the structured-mode event (built from the {@code ce_*} headers for binary mode), or null when the
     *                 record is not a CloudEvent
     * @param data     the event's data, a missing node when there is none
     * @param raw      the record value as text, for records that are not events
     */
    record View(String key, Instant time, String type, ObjectNode envelope, JsonNode data, String raw) {
        String text(String field) {
            JsonNode n = data.get(field);
            return n == null || n.isNull() ? null : n.asText();
        }
    }

    static View parse(ConsumerRecord<String, byte[]> record) {
        Instant recordTime = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null;
        byte[] value = record.value() == null ? new byte[0] : record.value();
        Header ceType = record.headers().lastHeader("ce_type");
        if (ceType != null) {
            ObjectNode envelope = JsonNodeFactory.instance.objectNode();
            for (Header h : record.headers()) {
                if (h.key().startsWith("ce_")) {
                    envelope.put(h.key().substring(3), new String(h.value(), StandardCharsets.UTF_8));
                }
            }
            JsonNode data = readJson(value);
            envelope.set(
                    "data",
                    data == null ? JsonNodeFactory.instance.textNode(new String(value, StandardCharsets.UTF_8)) : data);
            return view(record.key(), recordTime, envelope);
        }
        JsonNode node = readJson(value);
        if (node instanceof ObjectNode envelope && envelope.hasNonNull("type")) {
            if (!envelope.has("data") && envelope.hasNonNull("data_base64")) {
                try {
                    JsonNode decoded = readJson(Base64.getDecoder()
                            .decode(envelope.get("data_base64").asText()));
                    if (decoded != null) {
                        envelope.set("data", decoded);
                    }
                } catch (IllegalArgumentException e) {
                    // leave data_base64 as it is
                }
            }
            return view(record.key(), recordTime, envelope);
        }
        return new View(
                record.key(),
                recordTime,
                null,
                null,
                JsonNodeFactory.instance.missingNode(),
                new String(value, StandardCharsets.UTF_8));
    }

    private static View view(String key, Instant recordTime, ObjectNode envelope) {
        Instant time = parseTime(envelope.path("time").asText(null));
        JsonNode data = envelope.path("data");
        return new View(
                key,
                time != null ? time : recordTime,
                envelope.path("type").asText(null),
                envelope,
                data.isObject() ? data : JsonNodeFactory.instance.objectNode(),
                null);
    }

    static Instant parseTime(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    static String formatTime(Instant time) {
        return time == null ? "-" : time.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static JsonNode readJson(byte[] value) {
        if (value.length == 0) {
            return null;
        }
        try {
            return mapper().readTree(value);
        } catch (IOException e) {
            return null;
        }
    }
}
