package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static dev.pimflow.workflow.support.TopicWatcher.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 17, finding 6 (DESIGN §6.4): an event is known by its CloudEvents source and id together. Before, the id alone
 * was the deduplication key, so an event reusing an earlier id (from another source, or with other content) was dropped
 * with an INFO line: a ticket system could not close a ticket whose request another system had sent with the same id,
 * and a reused id left no trace. Through the real broker, as a ticket system would send them.
 */
class EventIdReuseIsRefusedTest extends EndToEndTestBase {
    private static final URI ICM = URI.create("urn:test:contoso-icm");
    private static final URI OTHER = URI.create("urn:test:servicenow");

    @Autowired
    JdbcTemplate jdbc;

    private final EventCodec codec = new EventCodec();

    @Test
    void theSameIdFromAnotherSourceIsAnotherEventAndIsProcessed() {
        String ticket = "CONTOSO:Reuse-1";
        String id = UUID.randomUUID().toString();
        send(ICM, id, EventTypes.TICKET_ACTIVATION_REQUESTED, ticket, tickets.activationRequest(ticket, ALINE, "PT1H"));
        String activationId =
                awaitChallenge(ticket).path("data").path("activationId").asText();

        // another ticket system that happens to use the same id: its ticket.closed is a new event, and cancels
        send(OTHER, id, EventTypes.TICKET_CLOSED, ticket, closed(ticket));
        awaitStatus(activationId, Status.CANCELLED);
        assertThat(topics.records(
                        "tickets.events.dlt", r -> new String(r.value(), StandardCharsets.UTF_8).contains(id)))
                .isEmpty();
    }

    @Test
    void theSameSourceAndIdWithOtherContentIsDeadLetteredAndAuditedWhileARedeliveryIsANoOp() {
        String ticket = "CONTOSO:Reuse-2";
        String id = UUID.randomUUID().toString();
        ObjectNode request = tickets.activationRequest(ticket, ALINE, "PT1H");
        send(ICM, id, EventTypes.TICKET_ACTIVATION_REQUESTED, ticket, request);
        String activationId =
                awaitChallenge(ticket).path("data").path("activationId").asText();

        // the same source and id, now a ticket.closed; then the same request for another principal
        byte[] reusedAsClose = send(ICM, id, EventTypes.TICKET_CLOSED, ticket, closed(ticket));
        assertDeadLetteredAsReused(reusedAsClose);
        byte[] reusedForBob = send(
                ICM,
                id,
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                ticket,
                tickets.activationRequest(ticket, BOB, "PT1H"));
        assertDeadLetteredAsReused(reusedForBob);

        // both audited, on the ticket, with what the id was first used for
        List<AuditRecord> audited = awaitReuseAudit(id, 2);
        assertThat(audited).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo("rejected");
            assertThat(r.ticketSystem()).isEqualTo(CONTOSO_ICM);
            assertThat(r.ticketNumber()).isEqualTo(ticket);
            assertThat(r.details())
                    .containsEntry("source", ICM.toString())
                    .containsEntry("firstType", EventTypes.TICKET_ACTIVATION_REQUESTED);
        });
        assertThat(audited)
                .extracting(r -> r.details().get("type"))
                .containsExactlyInAnyOrder(EventTypes.TICKET_CLOSED, EventTypes.TICKET_ACTIVATION_REQUESTED);

        // a true redelivery (the same content; a resend stamps a new time) stays a silent no-op
        send(ICM, id, EventTypes.TICKET_ACTIVATION_REQUESTED, ticket, request);
        // nothing changed: still one activation, still waiting for MFA; then a real close (a new id) on the same
        // partition
        String closeId = tickets.closeTicket(ticket);
        awaitStatus(activationId, Status.CANCELLED);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM activation WHERE ticket_number = ?", Integer.class, ticket))
                .isEqualTo(1);
        assertThat(topics.records(
                        "tickets.events.dlt", r -> new String(r.value(), StandardCharsets.UTF_8).contains(id)))
                .hasSize(2);
        assertThat(topics.records(
                        "tickets.events.dlt", r -> new String(r.value(), StandardCharsets.UTF_8).contains(closeId)))
                .isEmpty();
        assertThat(awaitReuseAudit(id, 2)).hasSize(2);
        assertThat(chainedAudit(activationId))
                .extracting(AuditRecord::action)
                .doesNotContain(AuditAction.MFA_APPROVED.wire(), AuditAction.ACTIVATED.wire());
    }

    private byte[] send(URI source, String id, String type, String ticket, ObjectNode data) {
        byte[] event = codec.writeInbound(id, type, source, data);
        tickets.sendRaw("tickets.events", CONTOSO_ICM + ":" + ticket, event);
        return event;
    }

    private ObjectNode closed(String ticket) {
        return codec.mapper()
                .createObjectNode()
                .put("ticketSystem", CONTOSO_ICM)
                .put("ticketNumber", ticket)
                .put("closedAt", OffsetDateTime.now(ZoneOffset.UTC).toString())
                .put("resolution", "Done.");
    }

    private void assertDeadLetteredAsReused(byte[] value) {
        ConsumerRecord<String, byte[]> dead =
                topics.awaitRecord("tickets.events.dlt", WAIT, r -> java.util.Arrays.equals(r.value(), value));
        assertThat(header(dead, "pim-dlt-field")).isEqualTo("id");
        assertThat(header(dead, "pim-dlt-reason")).startsWith("id: reused with different content");
        BadInputGoesToDeadLetterTopicTest.assertNoStackTrace(dead, "tickets.events");
    }

    private List<AuditRecord> awaitReuseAudit(String id, int expected) {
        return org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> chainedAudit(AuditEntry.NO_ACTIVATION).stream()
                                .filter(r -> AuditAction.EVENT_ID_REUSED.is(r.action())
                                        && id.equals(r.details().get("eventId")))
                                .toList(),
                        l -> l.size() >= expected);
    }
}
