package dev.pimflow.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.workflow.support.EndToEndTestBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;

import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static dev.pimflow.workflow.support.TopicWatcher.header;
import static org.assertj.core.api.Assertions.assertThat;

/** DESIGN §6.5: bad input goes to {@code tickets.events.dlt} with a reason naming the field, changes nothing, and does not stall the partition. */
class BadInputGoesToDeadLetterTopicTest extends EndToEndTestBase {
    private static final String KEY = CONTOSO_ICM + ":CONTOSO:Bad-1";

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void malformedEventsAreDeadLetteredWithTheirReasonAndTheNextGoodEventIsProcessed() {
        int activationsBefore = count("activation");

        tickets.sendRaw("tickets.events", KEY, "this is not json {");
        assertDeadLettered("this is not json {", "payload", "not JSON");

        ObjectNode missing = tickets.activationRequest("CONTOSO:Bad-1", BOB, "PT1H");
        missing.remove("duration");
        String missingId = tickets.send("tickets.events", KEY, EventTypes.TICKET_ACTIVATION_REQUESTED, missing);
        assertDeadLettered(missingId, "data.duration", "missing");

        String unknownTypeId = tickets.send("tickets.events", KEY, "ticket.reopened", tickets.activationRequest("CONTOSO:Bad-1", BOB, "PT1H"));
        assertDeadLettered(unknownTypeId, "type", "unknown event type 'ticket.reopened'");

        String badDurationId = tickets.send("tickets.events", KEY, EventTypes.TICKET_ACTIVATION_REQUESTED,
                tickets.activationRequest("CONTOSO:Bad-1", BOB, "five hours"));
        assertDeadLettered(badDurationId, "data.duration", "invalid format");

        assertThat(count("activation")).isEqualTo(activationsBefore);

        // the partition is not stalled: the next good event is processed (Bob is not eligible, so it is denied)
        tickets.requestActivation("CONTOSO:Bad-1", BOB, "PT1H");
        var denied = awaitStatusOfTicket("CONTOSO:Bad-1", "denied");
        assertThat(denied.path("data").path("reason").asText()).isEqualTo("not-eligible");
    }

    private void assertDeadLettered(String marker, String field, String reasonPart) {
        ConsumerRecord<String, byte[]> dead = topics.awaitRecord("tickets.events.dlt", WAIT,
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker));
        assertThat(header(dead, "pim-dlt-field")).isEqualTo(field);
        assertThat(header(dead, "pim-dlt-reason")).startsWith(field + ": ").contains(reasonPart);
        assertThat(dead.key()).isEqualTo(KEY);
    }

    private int count(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
    }
}
