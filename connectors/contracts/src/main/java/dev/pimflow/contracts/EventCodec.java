package dev.pimflow.contracts;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
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
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Reads and writes the CloudEvents of DESIGN §4 with the CloudEvents SDK. Inbound events are accepted in structured
 * JSON mode and in Kafka binary mode, and their {@code data} is validated against the JSON Schema of their type.
 * Every rejection is an {@link InvalidEventException} that names the field.
 */
public class EventCodec {
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    public static final URI SOURCE = URI.create("urn:pimflow:orchestrator");
    /** Longest accepted {@code id} and {@code source}: both are stored as the deduplication key (DESIGN §6.4). */
    public static final int MAX_ID_LENGTH = 200;

    public static final int MAX_SOURCE_LENGTH = 200;
    static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";
    static final String DATA_CONTENT_TYPE = "application/json";

    private final ObjectMapper mapper;
    /** Every inbound byte is parsed by this reader: a field named twice in one JSON object is an error, not "last one wins". */
    private final ObjectReader strictReader;

    private final EventFormat format = new JsonFormat();
    private final Map<String, JsonSchema> schemas = new HashMap<>();

    public EventCodec() {
        this(defaultMapper());
    }

    public EventCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        this.strictReader = mapper.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        for (String type : Set.of(
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                EventTypes.TICKET_CLOSED,
                EventTypes.TICKET_OPENED,
                EventTypes.TICKET_ASSIGNED,
                EventTypes.TICKET_REOPENED,
                EventTypes.TICKET_EXTENSION_REQUESTED,
                EventTypes.MFA_RESPONSE,
                EventTypes.APPROVAL_DECISION)) {
            try (InputStream in = EventCodec.class.getResourceAsStream("/schemas/" + type + ".json")) {
                schemas.put(type, factory.getSchema(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static ObjectMapper defaultMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
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
            throw new InvalidEventException(
                    "payload", "too large: " + value.length + " bytes, the limit is " + MAX_PAYLOAD_BYTES);
        }
        checkHeadersAreSingle(headers);
        String contentType = header(headers, CONTENT_TYPE_HEADER);
        boolean binary = contentType == null ? header(headers, "ce_specversion") != null : !isStructured(contentType);
        CloudEvent event = binary ? readBinaryMode(value, headers, contentType) : readStructured(value);
        String source = checkAttributes(event, binary, allowedTypes);
        if (event.getData() == null) {
            throw new InvalidEventException("data", "missing");
        }
        JsonNode data = parseStrict(event.getData().toBytes(), "data");
        if (data == null || !data.isObject()) {
            throw new InvalidEventException("data", "must be a JSON object");
        }
        validate(event.getType(), data);
        return new InboundEvent(event.getId(), event.getType(), source, event.getSubject(), event.getTime(), data);
    }

    /** A binary-mode event: ce_* headers, and data that must be {@value #DATA_CONTENT_TYPE}. */
    private CloudEvent readBinaryMode(byte[] value, Headers headers, String contentType) {
        if (header(headers, "ce_specversion") == null) {
            throw new InvalidEventException(
                    "content-type",
                    "'" + printable(contentType) + "' is neither " + STRUCTURED_CONTENT_TYPE
                            + " (structured mode) nor, with ce_* headers, " + DATA_CONTENT_TYPE + " (binary mode)");
        }
        if (contentType == null) {
            throw new InvalidEventException(
                    "content-type", "missing: a binary-mode event's data must be " + DATA_CONTENT_TYPE);
        }
        if (!DATA_CONTENT_TYPE.equals(mediaType(contentType))) {
            throw new InvalidEventException(
                    "content-type",
                    "'" + printable(contentType) + "' is not accepted: a binary-mode event's data must be "
                            + DATA_CONTENT_TYPE);
        }
        parseStrict(value, "data");
        return readBinary(value, headers);
    }

    /** The id, source, type and data content type every event must have right; returns the source. */
    private static String checkAttributes(CloudEvent event, boolean binary, Set<String> allowedTypes) {
        if (event.getId() == null || event.getId().isBlank()) {
            throw new InvalidEventException("id", "missing or blank");
        }
        if (event.getId().length() > MAX_ID_LENGTH) {
            throw new InvalidEventException("id", "longer than " + MAX_ID_LENGTH + " characters");
        }
        String source = event.getSource() == null ? null : event.getSource().toString();
        if (source == null || source.isBlank()) {
            throw new InvalidEventException("source", "missing or blank");
        }
        if (source.length() > MAX_SOURCE_LENGTH) {
            throw new InvalidEventException("source", "longer than " + MAX_SOURCE_LENGTH + " characters");
        }
        if (!allowedTypes.contains(event.getType())) {
            throw new InvalidEventException(
                    "type",
                    "unknown event type '" + printable(event.getType()) + "' on this topic; expected one of "
                            + allowedTypes.stream().sorted().toList());
        }
        if (event.getDataContentType() != null && !DATA_CONTENT_TYPE.equals(mediaType(event.getDataContentType()))) {
            throw new InvalidEventException(
                    binary ? "content-type" : "datacontenttype",
                    "'" + printable(event.getDataContentType()) + "' is not accepted: data must be "
                            + DATA_CONTENT_TYPE);
        }
        return source;
    }

    /** The Kafka header that says how a record is encoded (CloudEvents Kafka protocol binding). */
    public static final String CONTENT_TYPE_HEADER = "content-type";

    /**
     * A CloudEvents attribute or the content type given twice is ambiguous (which one does the SDK take, which one
     * did the producer's reviewer see?), just like a field named twice in JSON.
     */
    private static void checkHeadersAreSingle(Headers headers) {
        if (headers == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (Header h : headers) {
            String name = h.key().toLowerCase(Locale.ROOT);
            if ((name.startsWith("ce_") || name.equals(CONTENT_TYPE_HEADER)) && !seen.add(name)) {
                throw new InvalidEventException(
                        "headers",
                        "duplicate header '" + printable(h.key()) + "': each CloudEvents header may be given once");
            }
        }
    }

    private static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Header h : headers) {
            if (h.key().equalsIgnoreCase(name)) {
                return h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static boolean isStructured(String contentType) {
        return STRUCTURED_CONTENT_TYPE.equals(mediaType(contentType));
    }

    /** {@code Application/JSON; charset=utf-8} -> {@code application/json}. */
    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    /**
     * Parses JSON refusing a field named twice in one object; the field is named by its path ({@code data.principalId},
     * {@code type}), with {@code prefix} for a document that is itself one field (binary-mode data).
     */
    private JsonNode parseStrict(byte[] bytes, String prefix) {
        try {
            return strictReader.readTree(bytes);
        } catch (JsonParseException e) {
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field '") && e.getProcessor() != null) {
                JsonParser parser = e.getProcessor();
                String path = pathOf(parser.getParsingContext().pathAsPointer().toString());
                String field = prefix == null
                        ? path
                        : path.isEmpty() ? prefix : prefix + (path.startsWith("[") ? "" : ".") + path;
                throw new InvalidEventException(
                        field.isEmpty() ? "payload" : field, "duplicate key: a JSON object may name a field only once");
            }
            throw new InvalidEventException(prefix == null ? "payload" : prefix, "not JSON: " + firstLine(message));
        } catch (IOException e) {
            throw new InvalidEventException(
                    prefix == null ? "payload" : prefix, "not JSON: " + firstLine(e.getMessage()));
        }
    }

    /** {@code /data/list/0/x} -> {@code data.list[0].x}. */
    private static String pathOf(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String segment : pointer.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            String name = segment.replace("~1", "/").replace("~0", "~");
            if (name.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(name).append(']');
            } else {
                sb.append(sb.isEmpty() ? "" : ".").append(printable(name));
            }
        }
        return sb.toString();
    }

    private CloudEvent readBinary(byte[] value, Headers headers) {
        try {
            MessageReader reader = KafkaMessageFactory.createReader(headers, value);
            return reader.toEvent();
        } catch (RuntimeException e) {
            throw new InvalidEventException(
                    "headers", "invalid CloudEvents binary-mode message: " + firstLine(e.getMessage()));
        }
    }

    private CloudEvent readStructured(byte[] value) {
        JsonNode envelope = parseStrict(value, null);
        if (envelope == null || !envelope.isObject()) {
            throw new InvalidEventException("payload", "must be a JSON object (a CloudEvent in structured mode)");
        }
        for (String attribute : new String[] {"specversion", "id", "source", "type"}) {
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
        JsonNode dataContentType = envelope.get("datacontenttype");
        if (dataContentType != null
                && !dataContentType.isNull()
                && (!dataContentType.isTextual() || !DATA_CONTENT_TYPE.equals(mediaType(dataContentType.asText())))) {
            throw new InvalidEventException(
                    "datacontenttype",
                    "'" + printable(dataContentType.asText()) + "' is not accepted: data must be " + DATA_CONTENT_TYPE);
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
                        .min(Comparator.comparing((ValidationMessage m) -> fieldOf(m))
                                .thenComparing(ValidationMessage::getMessage))
                        .orElseThrow();
                throw new InvalidEventException(fieldOf(first), reasonOf(first));
            }
        }
        // what a schema cannot say: the values must also parse and make sense
        if (EventTypes.TICKET_ACTIVATION_REQUESTED.equals(type) || EventTypes.TICKET_EXTENSION_REQUESTED.equals(type)) {
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
            if (EventTypes.TICKET_EXTENSION_REQUESTED.equals(type)
                    && duration.compareTo(ExtensionRequested.MAX_DURATION) > 0) {
                throw new InvalidEventException(
                        "data.duration", "longer than " + ExtensionRequested.MAX_DURATION + " in one extension");
            }
        }
        String timeField = switch (type) {
            case EventTypes.TICKET_CLOSED -> "closedAt";
            case EventTypes.TICKET_OPENED -> "openedAt";
            case EventTypes.TICKET_ASSIGNED -> "assignedAt";
            case EventTypes.TICKET_REOPENED -> "reopenedAt";
            default -> null;
        };
        if (timeField != null) {
            try {
                OffsetDateTime.parse(data.get(timeField).asText());
            } catch (DateTimeParseException e) {
                throw new InvalidEventException("data." + timeField, "not an ISO-8601 date-time");
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
                value = type.cast(new ActivationRequested(
                        r.ticketSystem(),
                        r.ticketNumber(),
                        r.principalId(),
                        r.roleDefinitionId(),
                        "/",
                        r.justification(),
                        r.duration()));
            }
            if (value instanceof ExtensionRequested r && r.directoryScopeId() == null) {
                value = type.cast(new ExtensionRequested(
                        r.ticketSystem(),
                        r.ticketNumber(),
                        r.activationId(),
                        r.principalId(),
                        r.roleDefinitionId(),
                        "/",
                        r.justification(),
                        r.duration()));
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(
                    "data", "cannot be read as " + type.getSimpleName() + ": " + firstLine(e.getOriginalMessage()));
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
            return format.serialize(CloudEventBuilder.v1()
                    .withId(id)
                    .withType(type)
                    .withSource(source)
                    .withTime(OffsetDateTime.now(java.time.ZoneOffset.UTC))
                    .withDataContentType("application/json")
                    .withData(mapper.writeValueAsBytes(node))
                    .build());
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
