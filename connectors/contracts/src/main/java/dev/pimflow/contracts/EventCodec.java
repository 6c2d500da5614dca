package dev.pimflow.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import org.apache.kafka.common.header.Headers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the CloudEvents of DESIGN §4 with the CloudEvents SDK. Inbound events are accepted in structured
 * JSON mode and in Kafka binary mode, and their {@code data} is validated against the JSON Schema of their type.
 * Every rejection is an {@link InvalidEventException} that names the field.
 */
public class EventCodec {
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    public static final URI SOURCE = URI.create("urn:pimflow:orchestrator");

    private final ObjectMapper mapper;
    private final EventFormat format = new JsonFormat();
    private final Map<String, JsonSchema> schemas = new HashMap<>();

    public EventCodec() {
        this(defaultMapper());
    }

    public EventCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        for (String type : Set.of(EventTypes.TICKET_ACTIVATION_REQUESTED, EventTypes.TICKET_CLOSED, EventTypes.MFA_RESPONSE)) {
            try (InputStream in = EventCodec.class.getResourceAsStream("/schemas/" + type + ".json")) {
                schemas.put(type, factory.getSchema(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static ObjectMapper defaultMapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Parses one Kafka record value (and headers, for binary mode) and validates it.
     *
     * @param allowedTypes the types this topic carries; anything else is rejected as {@code type}
     */
    public InboundEvent read(byte[] value, Headers headers, Set<String> allowedTypes) {
        if (value == null || value.length == 0) {
            throw new InvalidEventException("payload", "empty record value");
        }
        if (value.length > MAX_PAYLOAD_BYTES) {
            throw new InvalidEventException("payload", "too large: " + value.length + " bytes, the limit is " + MAX_PAYLOAD_BYTES);
        }
        CloudEvent event = isBinaryMode(headers) ? readBinary(value, headers) : readStructured(value);
        if (event.getId() == null || event.getId().isBlank()) {
            throw new InvalidEventException("id", "missing or blank");
        }
        if (event.getId().length() > 200) {
            throw new InvalidEventException("id", "longer than 200 characters");
        }
        if (!allowedTypes.contains(event.getType())) {
            throw new InvalidEventException("type", "unknown event type '" + printable(event.getType()) + "' on this topic; expected one of " + allowedTypes.stream().sorted().toList());
        }
        if (event.getData() == null) {
            throw new InvalidEventException("data", "missing");
        }
        JsonNode data;
        try {
            data = mapper.readTree(event.getData().toBytes());
        } catch (IOException e) {
            throw new InvalidEventException("data", "not JSON: " + firstLine(e.getMessage()));
        }
        if (data == null || !data.isObject()) {
            throw new InvalidEventException("data", "must be a JSON object");
        }
        validate(event.getType(), data);
        return new InboundEvent(event.getId(), event.getType(), String.valueOf(event.getSource()), event.getTime(), data);
    }

    private static boolean isBinaryMode(Headers headers) {
        return headers != null && headers.lastHeader("ce_specversion") != null;
    }

    private CloudEvent readBinary(byte[] value, Headers headers) {
        try {
            MessageReader reader = KafkaMessageFactory.createReader(headers, value);
            return reader.toEvent();
        } catch (RuntimeException e) {
            throw new InvalidEventException("headers", "invalid CloudEvents binary-mode message: " + firstLine(e.getMessage()));
        }
    }

    private CloudEvent readStructured(byte[] value) {
        JsonNode envelope;
        try {
            envelope = mapper.readTree(value);
        } catch (IOException e) {
            throw new InvalidEventException("payload", "not JSON: " + firstLine(e.getMessage()));
        }
        if (envelope == null || !envelope.isObject()) {
            throw new InvalidEventException("payload", "must be a JSON object (a CloudEvent in structured mode)");
        }
        for (String attribute : new String[]{"specversion", "id", "source", "type"}) {
            JsonNode node = envelope.get(attribute);
            if (node == null || node.isNull()) {
                throw new InvalidEventException(attribute, "missing");
            }
            if (!node.isTextual()) {
                throw new InvalidEventException(attribute, "must be a string");
            }
        }
        if (!"1.0".equals(envelope.get("specversion").asText())) {
            throw new InvalidEventException("specversion", "must be \"1.0\"");
        }
        try {
            return format.deserialize(value);
        } catch (RuntimeException e) {
            throw new InvalidEventException("payload", "not a valid CloudEvent: " + firstLine(e.getMessage()));
        }
    }

    private void validate(String type, JsonNode data) {
        JsonSchema schema = schemas.get(type);
        if (schema != null) {
            Set<ValidationMessage> errors = schema.validate(data);
            if (!errors.isEmpty()) {
                ValidationMessage first = errors.stream()
                        .min(Comparator.comparing((ValidationMessage m) -> fieldOf(m)).thenComparing(ValidationMessage::getMessage))
                        .orElseThrow();
                throw new InvalidEventException(fieldOf(first), reasonOf(first));
            }
        }
        // what a schema cannot say: the values must also parse and make sense
        if (EventTypes.TICKET_ACTIVATION_REQUESTED.equals(type)) {
            Duration duration;
            try {
                duration = Duration.parse(data.get("duration").asText());
            } catch (DateTimeParseException e) {
                throw new InvalidEventException("data.duration", "not an ISO-8601 duration");
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new InvalidEventException("data.duration", "must be positive");
            }
            if (duration.compareTo(Duration.ofDays(366)) > 0) {
                throw new InvalidEventException("data.duration", "longer than one year");
            }
        }
        if (EventTypes.TICKET_CLOSED.equals(type)) {
            try {
                OffsetDateTime.parse(data.get("closedAt").asText());
            } catch (DateTimeParseException e) {
                throw new InvalidEventException("data.closedAt", "not an ISO-8601 date-time");
            }
        }
    }

    private static String fieldOf(ValidationMessage m) {
        if ("required".equals(m.getType()) && m.getProperty() != null) {
            return "data." + m.getProperty();
        }
        if ("additionalProperties".equals(m.getType()) && m.getProperty() != null) {
            return "data." + m.getProperty();
        }
        String location = String.valueOf(m.getInstanceLocation());
        return "data" + (location.startsWith("$") ? location.substring(1) : "." + location);
    }

    private static String reasonOf(ValidationMessage m) {
        return switch (m.getType()) {
            case "required" -> "missing";
            case "additionalProperties" -> "not a known field";
            case "pattern" -> "has an invalid format";
            case "type" -> "has the wrong type: " + m.getMessage().replaceFirst("^[^:]*: ", "");
            case "minLength" -> "is empty or too short";
            case "maxLength" -> "is too long";
            default -> m.getMessage().replaceFirst("^[^:]*: ", "");
        };
    }

    /** Converts validated {@code data} to its record type. */
    public <T> T data(InboundEvent event, Class<T> type) {
        try {
            T value = mapper.treeToValue(event.data(), type);
            if (value instanceof ActivationRequested r && r.directoryScopeId() == null) {
                value = type.cast(new ActivationRequested(r.ticketSystem(), r.ticketNumber(), r.principalId(), r.roleDefinitionId(), "/", r.justification(), r.duration()));
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("data", "cannot be read as " + type.getSimpleName() + ": " + firstLine(e.getOriginalMessage()));
        }
    }

    /** Builds an outbound event in structured JSON mode. The id is the caller's, so a resend carries the same id. */
    public byte[] write(String id, String type, String subject, Object data) {
        return format.serialize(event(id, type, subject, data));
    }

    /** As {@link #write(String, String, String, Object)}, with the event's {@code time} given, for an event rebuilt from stored facts. */
    public byte[] write(String id, String type, String subject, OffsetDateTime time, Object data) {
        return format.serialize(event(id, type, subject, time, data));
    }

    public CloudEvent event(String id, String type, String subject, Object data) {
        return event(id, type, subject, OffsetDateTime.now(java.time.ZoneOffset.UTC), data);
    }

    private CloudEvent event(String id, String type, String subject, OffsetDateTime time, Object data) {
        try {
            return CloudEventBuilder.v1()
                    .withId(id)
                    .withType(type)
                    .withSource(SOURCE)
                    .withSubject(subject)
                    .withTime(time)
                    .withDataContentType("application/json")
                    .withData(mapper.writeValueAsBytes(data))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + type + " data", e);
        }
    }

    /** Builds an inbound-style event for producers (CLI, tests, a ticket system written in Java). */
    public byte[] writeInbound(String id, String type, URI source, Object data) {
        try {
            ObjectNode node = data instanceof JsonNode n ? (ObjectNode) n : mapper.valueToTree(data);
            return format.serialize(CloudEventBuilder.v1().withId(id).withType(type).withSource(source)
                    .withTime(OffsetDateTime.now(java.time.ZoneOffset.UTC))
                    .withDataContentType("application/json").withData(mapper.writeValueAsBytes(node)).build());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + type + " data", e);
        }
    }

    public static String contentType() {
        return JsonFormat.CONTENT_TYPE;
    }

    private static String printable(String s) {
        return s == null ? "null" : s.replaceAll("\\p{Cntrl}", "?");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
