package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static dev.pimflow.workflow.support.TopicWatcher.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** DESIGN §6.5: bad input goes to {@code tickets.events.dlt} with a reason naming the field, changes nothing, and does not stall the partition. */
class BadInputGoesToDeadLetterTopicTest extends EndToEndTestBase {
    private static final String KEY = CONTOSO_ICM + ":CONTOSO:Bad-1";

    @Autowired
    JdbcTemplate jdbc;

    private final EventCodec codec = new EventCodec();

    @Test
    void malformedEventsAreDeadLetteredWithTheirReasonAndTheNextGoodEventIsProcessed() {
        int activationsBefore = count("activation");

        tickets.sendRaw("tickets.events", KEY, "this is not json {");
        assertDeadLettered("this is not json {", "payload", "not JSON");

        ObjectNode missing = tickets.activationRequest("CONTOSO:Bad-1", BOB, "PT1H");
        missing.remove("duration");
        String missingId = tickets.send("tickets.events", KEY, EventTypes.TICKET_ACTIVATION_REQUESTED, missing);
        assertDeadLettered(missingId, "data.duration", "missing");

        String unknownTypeId = tickets.send(
                "tickets.events", KEY, "ticket.renamed", tickets.activationRequest("CONTOSO:Bad-1", BOB, "PT1H"));
        assertDeadLettered(unknownTypeId, "type", "unknown event type 'ticket.renamed'");

        // the ticket's own events (DESIGN §9.2): assignees are Entra object ids, times are times, the key is the ticket
        int ticketsBefore = count("ticket");
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        ObjectNode byMail = mapper.createObjectNode()
                .put("ticketSystem", "Contoso ICM")
                .put("ticketNumber", "CONTOSO:Bad-1")
                .put("assignedAt", "2026-12-02T10:00:00Z");
        byMail.putArray("assignees").add("aline@contoso.com");
        assertDeadLettered(
                tickets.send("tickets.events", KEY, EventTypes.TICKET_ASSIGNED, byMail), "data.assignees[0]", "");
        ObjectNode noTime = mapper.createObjectNode()
                .put("ticketSystem", "Contoso ICM")
                .put("ticketNumber", "CONTOSO:Bad-1")
                .put("title", "t");
        noTime.putArray("assignees");
        assertDeadLettered(
                tickets.send("tickets.events", KEY, EventTypes.TICKET_OPENED, noTime), "data.openedAt", "missing");
        ObjectNode badTime = mapper.createObjectNode()
                .put("ticketSystem", "Contoso ICM")
                .put("ticketNumber", "CONTOSO:Bad-1")
                .put("reopenedAt", "tomorrow");
        assertDeadLettered(
                tickets.send("tickets.events", KEY, EventTypes.TICKET_REOPENED, badTime), "data.reopenedAt", "");
        ObjectNode otherTicket = mapper.createObjectNode()
                .put("ticketSystem", "Contoso ICM")
                .put("ticketNumber", "CONTOSO:Bad-2")
                .put("reopenedAt", "2026-12-02T10:00:00Z");
        assertDeadLettered(
                tickets.send("tickets.events", KEY, EventTypes.TICKET_REOPENED, otherTicket), "key", "must be");
        assertThat(count("ticket")).isEqualTo(ticketsBefore);

        String badDurationId = tickets.send(
                "tickets.events",
                KEY,
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                tickets.activationRequest("CONTOSO:Bad-1", BOB, "five hours"));
        assertDeadLettered(badDurationId, "data.duration", "invalid format");

        assertThat(count("activation")).isEqualTo(activationsBefore);

        // the partition is not stalled: the next good event is processed (Bob is not eligible, so it is denied)
        tickets.requestActivation("CONTOSO:Bad-1", BOB, "PT1H");
        var denied = awaitStatusOfTicket("CONTOSO:Bad-1", Status.DENIED);
        assertThat(denied.path("data").path("reason").asText()).isEqualTo(Reason.NOT_ELIGIBLE.wire());
    }

    /**
     * Issue 17, finding 6: every rejected MFA response is audited (before, those refused for size, format or key, or
     * naming an unknown challenge, were not): on its activation when it names a known challenge, else as a system record
     * that says where the record was; and its DLT record carries the field and reason but no stack trace.
     */
    @Test
    void everyRejectedMfaResponseIsAuditedAndDeadLetteredWithoutAStackTrace() {
        tickets.sendRaw("pim.mfa.responses", "some-challenge", "{\"specversion\":\"1.0\", junk");
        ConsumerRecord<String, byte[]> junk = assertMfaDeadLettered("junk", "payload", "not JSON");
        assertSystemAudit(junk, "payload");

        String unknown = UUID.randomUUID().toString();
        tickets.respondToChallenge(unknown, "eyJhbGciOiJIUzI1NiJ9.e30.c2ln");
        ConsumerRecord<String, byte[]> unknownChallenge =
                assertMfaDeadLettered(unknown, "data.challengeId", "unknown challenge");
        assertThat(assertSystemAudit(unknownChallenge, "data.challengeId").details())
                .containsEntry("challengeId", unknown);

        String twice = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID()
                + "\",\"source\":\"urn:t\",\"type\":\"mfa.response\"," + "\"data\":{\"challengeId\":\"" + unknown
                + "\",\"assertion\":\"a.b.c\",\"assertion\":\"d.e.f\"}}";
        tickets.sendRaw("pim.mfa.responses", unknown, twice);
        assertSystemAudit(assertMfaDeadLettered("d.e.f", "data.assertion", "duplicate key"), "data.assertion");

        // a response for a known challenge, on another key: refused, and recorded on that activation
        tickets.requestActivation("CONTOSO:Bad-2", ALINE, "PT1H");
        JsonNode challenge = awaitChallenge("CONTOSO:Bad-2").path("data");
        String challengeId = challenge.path("challengeId").asText();
        String activationId = challenge.path("activationId").asText();
        ObjectNode data = codec.mapper()
                .createObjectNode()
                .put("challengeId", challengeId)
                .put("assertion", gateway.sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
        String wrongKeyId = tickets.send("pim.mfa.responses", "another-challenge", EventTypes.MFA_RESPONSE, data);
        assertMfaDeadLettered(wrongKeyId, "key", "must be the challenge id");
        String noKeyId = tickets.send("pim.mfa.responses", null, EventTypes.MFA_RESPONSE, data);
        assertMfaDeadLettered(noKeyId, "key", "missing");
        assertThat(chainedAudit(activationId))
                .filteredOn(r -> AuditAction.MFA_REJECTED.is(r.action()))
                .extracting(r -> String.valueOf(r.details().get("reason")))
                .hasSize(2)
                .allMatch(reason -> reason.startsWith("key: "));
        assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_MFA.wire());
        tickets.closeTicket("CONTOSO:Bad-2");
        awaitStatus(activationId, Status.CANCELLED);
    }

    private ConsumerRecord<String, byte[]> assertMfaDeadLettered(String marker, String field, String reasonPart) {
        ConsumerRecord<String, byte[]> dead = topics.awaitRecord(
                "pim.mfa.responses.dlt", WAIT, r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker));
        assertThat(header(dead, "pim-dlt-field")).isEqualTo(field);
        assertThat(header(dead, "pim-dlt-reason")).startsWith(field + ": ").contains(reasonPart);
        assertNoStackTrace(dead, "pim.mfa.responses");
        return dead;
    }

    /** The DLT record keeps the reason and where it came from, and carries no exception class, message or stack trace. */
    static void assertNoStackTrace(ConsumerRecord<String, byte[]> dead, String topic) {
        assertThat(header(dead, "kafka_dlt-original-topic")).isEqualTo(topic);
        assertThat(header(dead, "kafka_dlt-original-offset")).isNotNull();
        assertThat(header(dead, "kafka_dlt-original-partition")).isNotNull();
        for (Header h : dead.headers()) {
            assertThat(h.key())
                    .as("DLT header")
                    .doesNotStartWith("kafka_dlt-exception")
                    .doesNotStartWith("kafka_dlt-key-exception");
        }
    }

    /** The system audit record (activation '-') of a rejected MFA response, found by the partition and offset it names. */
    private AuditRecord assertSystemAudit(ConsumerRecord<String, byte[]> dead, String field) {
        // spring-kafka writes the original partition and offset as a binary int and long
        int p = java.nio.ByteBuffer.wrap(dead.headers()
                        .lastHeader("kafka_dlt-original-partition")
                        .value())
                .getInt();
        long o = java.nio.ByteBuffer.wrap(
                        dead.headers().lastHeader("kafka_dlt-original-offset").value())
                .getLong();
        List<AuditRecord> found = await().atMost(WAIT)
                .until(
                        () -> chainedAudit(AuditEntry.NO_ACTIVATION).stream()
                                .filter(r -> AuditAction.MFA_REJECTED.is(r.action())
                                        && "pim.mfa.responses"
                                                .equals(r.details().get("topic"))
                                        && ((Number) r.details().get("partition")).intValue() == p
                                        && ((Number) r.details().get("offset")).longValue() == o)
                                .toList(),
                        l -> !l.isEmpty());
        AuditRecord record = found.get(0);
        assertThat(record.outcome()).isEqualTo("rejected");
        assertThat(record.details()).containsEntry("field", field);
        return record;
    }

    private void assertDeadLettered(String marker, String field, String reasonPart) {
        ConsumerRecord<String, byte[]> dead = topics.awaitRecord(
                "tickets.events.dlt", WAIT, r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker));
        assertThat(header(dead, "pim-dlt-field")).isEqualTo(field);
        assertThat(header(dead, "pim-dlt-reason")).startsWith(field + ": ").contains(reasonPart);
        assertThat(dead.key()).isEqualTo(KEY);
        assertNoStackTrace(dead, "tickets.events");
    }

    private int count(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
    }
}
