package dev.pimflow.workflow.it;

import static dev.pimflow.contracts.WireValue.wires;
import static dev.pimflow.workflow.it.ItEnvironment.data;
import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DESIGN §6.3 "every outbound event is delivered at least once, with a stable id; none is lost when the process dies
 * between the database commit and the Kafka send", kill point 4: the node runs with its outbox relay switched off
 * ({@code PIM_OUTBOX_RELAY_ENABLED=false}), so every event of an activation's way to "active" is committed but unsent
 * when the node is killed with -9. The restarted node (relay on) sends each of them: outbox rows with the id they were
 * given at commit time, audit records (published from the chain, ADR 0004) with the id derived from their hash.
 */
@ExtendWith(ItDiagnostics.class)
class OutboxSurvivesCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private ItEnvironment env;

    @BeforeEach
    void startEnvironment(TestInfo test) {
        env = ItEnvironment.start(test);
    }

    @AfterEach
    void stopEnvironment() {
        env.close();
    }

    @Test
    void eventsCommittedButUnsentAtTheKillAreAllDeliveredAfterRestart() throws Exception {
        ItDatabase db = env.database(ItDatabase.h2(env.dir));
        JarNode node = env.node("node", db, Map.of("PIM_OUTBOX_RELAY_ENABLED", "false"))
                .startAndAwaitReady();
        String ticket = "CONTOSO:Crash-outbox";
        env.tickets.requestActivation(ticket, ALINE, "PT1H");

        // nothing reaches the topics: follow the activation through the REST API
        JsonNode pending = await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> node.activations(ticket),
                        l -> l.size() == 1
                                && Status.PENDING_MFA.is(l.get(0).path("status").asText())
                                && !l.get(0).path("challengeId").isNull())
                .get(0);
        String activationId = pending.path("id").asText();
        env.approve(ALINE, pending.path("challengeId").asText());
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> node.activations(ticket).get(0).path("status").asText(), Status.ACTIVE::is);
        assertThat(env.activeRoles(ALINE)).contains(USER_ADMINISTRATOR);
        // the audit chainer links the records in its own transaction; the relay (off) would publish them from the chain
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> node.verifyAudit().path("recordsPending").asLong(), n -> n == 0);

        node.kill();
        assertThat(env.allOutboundIds())
                .as("the relay was off: nothing was sent")
                .isEmpty();

        // what the killed node left in its outbox, read from its database file
        List<OutboxRow> rows = outbox(db);
        rows.forEach(
                r -> System.out.printf("[it] in the outbox at the kill: %s %s %s%n", r.topic(), r.type(), r.eventId()));
        Map<String, Long> byType = rows.stream().collect(Collectors.groupingBy(OutboxRow::type, Collectors.counting()));
        assertThat(byType)
                .as("outbox rows by type")
                .containsOnly(Map.entry(EventTypes.MFA_CHALLENGE, 1L), Map.entry(EventTypes.ACTIVATION_STATUS, 2L));
        assertThat(rows)
                .filteredOn(r -> r.type().equals(EventTypes.ACTIVATION_STATUS))
                .extracting(r -> data(r.event(), "status"))
                .containsExactlyElementsOf(wires(Status.PENDING_MFA, Status.ACTIVE));
        // and the chained audit records behind the publication cursor (ADR 0004): the chain is their outbox
        List<UnpublishedRecord> records = unpublishedAudit(db);
        records.forEach(r -> System.out.printf(
                "[it] unpublished audit record at the kill: %d %s %s%n", r.seq(), r.action(), r.eventId()));
        assertThat(records)
                .extracting(UnpublishedRecord::action)
                .containsExactlyElementsOf(wires(
                        AuditAction.REQUESTED,
                        AuditAction.VALIDATED,
                        AuditAction.MFA_CHALLENGED,
                        AuditAction.MFA_APPROVED,
                        AuditAction.ACTIVATED));

        node.set("PIM_OUTBOX_RELAY_ENABLED", "true").startAndAwaitReady();

        // every row arrives on its topic with the id it had in the outbox (at least once: repeats allowed, none
        // missing)
        for (OutboxRow row : rows) {
            JsonNode delivered = env.topics.awaitEvent(
                    row.topic(), WAIT, e -> row.eventId().equals(e.path("id").asText()));
            assertThat(delivered.path("type").asText()).isEqualTo(row.type());
            assertThat(delivered.path("data")).isEqualTo(row.event().path("data"));
        }
        // every audit record arrives on pim.audit with the id derived from its hash, in chain order
        List<Long> seqs = new ArrayList<>();
        for (UnpublishedRecord r : records) {
            JsonNode delivered = env.topics.awaitEvent(
                    "pim.audit", WAIT, e -> r.eventId().equals(e.path("id").asText()));
            assertThat(delivered.path("type").asText()).isEqualTo(EventTypes.AUDIT_RECORD);
            assertThat(data(delivered, "hash")).isEqualTo(r.hash());
            seqs.add(delivered.path("data").path("seq").asLong());
        }
        assertThat(seqs).isSorted();

        // and the activation goes on as usual
        env.tickets.closeTicket(ticket);
        assertThat(data(env.awaitRevoked(activationId, WAIT), "reason")).isEqualTo(Reason.TICKET_CLOSED.wire());
        env.awaitStatus(activationId, Status.REVOKED, WAIT);
        assertThat(env.activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        env.assertOneFactEach(activationId, Status.PENDING_MFA, Status.ACTIVE, Status.REVOKED);
        assertThat(node.verifyAudit().path("intact").asBoolean())
                .as("audit chain intact")
                .isTrue();
        env.awaitAuditPublished(node, activationId, WAIT);
    }

    record OutboxRow(long id, String eventId, String topic, String type, JsonNode event) {}

    record UnpublishedRecord(long seq, String action, String hash) {
        String eventId() {
            return AuditTrail.eventId(hash);
        }
    }

    private static List<UnpublishedRecord> unpublishedAudit(ItDatabase db) throws SQLException {
        List<UnpublishedRecord> records = new ArrayList<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT seq, action, hash FROM audit_record WHERE seq > (SELECT last_seq FROM audit_published WHERE id = 1) ORDER BY seq")) {
            while (rs.next()) {
                records.add(new UnpublishedRecord(rs.getLong("seq"), rs.getString("action"), rs.getString("hash")));
            }
        }
        return records;
    }

    private static List<OutboxRow> outbox(ItDatabase db) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT id, event_id, topic, event_type, payload FROM outbox ORDER BY id")) {
            while (rs.next()) {
                rows.add(new OutboxRow(
                        rs.getLong("id"),
                        rs.getString("event_id"),
                        rs.getString("topic"),
                        rs.getString("event_type"),
                        ItEnvironment.json(rs.getString("payload"))));
            }
        }
        return rows;
    }
}
