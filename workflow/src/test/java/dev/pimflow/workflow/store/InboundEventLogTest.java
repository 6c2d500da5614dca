package dev.pimflow.workflow.store;

import static dev.pimflow.workflow.store.InboundEventLog.Kind.NEW;
import static dev.pimflow.workflow.store.InboundEventLog.Kind.REDELIVERY;
import static dev.pimflow.workflow.store.InboundEventLog.Kind.REUSED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * DESIGN §6.4: an inbound event is known by its CloudEvents source and id together; a redelivery (same content) is
 * recognised, the same id from another source is another event, and the same source and id with other content is
 * told apart from a redelivery. Runs the real migrations on H2 (V7 rebuilds the table keeping older ids).
 */
class InboundEventLogTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private JdbcTemplate jdbc;
    private InboundEventLog log;

    @BeforeEach
    void database() {
        DriverManagerDataSource ds =
                new DriverManagerDataSource("jdbc:h2:mem:inbound-log-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        new ResourceDatabasePopulator(
                        new ClassPathResource("db/migration/V2__workflow.sql"),
                        new ClassPathResource("db/migration/V4__inbound_event_received_at.sql"))
                .execute(ds);
        jdbc = new JdbcTemplate(ds);
        // an id recorded before V7, by the old code: no source, no content hash
        jdbc.update(
                "INSERT INTO inbound_event (event_id, topic, event_type, received_at) VALUES ('legacy', 'tickets.events', 'ticket.closed', ?)",
                OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC));
        new ResourceDatabasePopulator(new ClassPathResource("db/migration/V7__inbound_event_source.sql")).execute(ds);
        log = new InboundEventLog(jdbc, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static InboundEvent event(String id, String source, String type, String principal) {
        ObjectNode data =
                JsonNodeFactory.instance.objectNode().put("ticketNumber", "T-1").put("principalId", principal);
        return new InboundEvent(id, type, source, null, OffsetDateTime.now(ZoneOffset.UTC), data);
    }

    @Test
    void aRedeliveryIsSeenAndAReusedIdIsToldApart() {
        assertThat(log.record(
                                "tickets.events",
                                event("e-1", "urn:icm", EventTypes.TICKET_ACTIVATION_REQUESTED, "aline"))
                        .kind())
                .isEqualTo(NEW);
        assertThat(log.record(
                                "tickets.events",
                                event("e-1", "urn:icm", EventTypes.TICKET_ACTIVATION_REQUESTED, "aline"))
                        .kind())
                .isEqualTo(REDELIVERY);

        InboundEventLog.Seen reused =
                log.record("tickets.events", event("e-1", "urn:icm", EventTypes.TICKET_ACTIVATION_REQUESTED, "admin"));
        assertThat(reused.kind()).isEqualTo(REUSED);
        assertThat(reused.firstType()).isEqualTo(EventTypes.TICKET_ACTIVATION_REQUESTED);
        assertThat(reused.firstSeenAt()).isEqualTo(NOW);
        assertThat(log.record("tickets.events", event("e-1", "urn:icm", EventTypes.TICKET_CLOSED, "aline"))
                        .kind())
                .isEqualTo(REUSED);
    }

    @Test
    void theSameIdFromAnotherSourceIsAnotherEvent() {
        assertThat(log.record(
                                "tickets.events",
                                event("e-2", "urn:icm", EventTypes.TICKET_ACTIVATION_REQUESTED, "aline"))
                        .kind())
                .isEqualTo(NEW);
        assertThat(log.record("tickets.events", event("e-2", "urn:servicenow", EventTypes.TICKET_CLOSED, "bob"))
                        .kind())
                .isEqualTo(NEW);
        assertThat(log.record("tickets.events", event("e-2", "urn:servicenow", EventTypes.TICKET_CLOSED, "bob"))
                        .kind())
                .isEqualTo(REDELIVERY);
        // and on another topic
        assertThat(log.record("pim.mfa.responses", event("e-2", "urn:icm", EventTypes.MFA_RESPONSE, "aline"))
                        .kind())
                .isEqualTo(NEW);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM inbound_event WHERE event_id = 'e-2'", Integer.class))
                .isEqualTo(3);
    }

    @Test
    void anIdRecordedBeforeSourcesWereKeptIsStillADuplicate() {
        assertThat(log.record("tickets.events", event("legacy", "urn:icm", EventTypes.TICKET_CLOSED, "aline"))
                        .kind())
                .isEqualTo(REDELIVERY);
        assertThat(log.record(
                                "tickets.events",
                                event("legacy", "urn:other", EventTypes.TICKET_ACTIVATION_REQUESTED, "bob"))
                        .kind())
                .isEqualTo(REDELIVERY);
    }
}
