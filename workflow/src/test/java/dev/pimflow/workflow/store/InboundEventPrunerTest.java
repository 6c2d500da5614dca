package dev.pimflow.workflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.workflow.config.PimProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** The deduplication log forgets ids only after the retention, and an id it still holds is still recognised. */
class InboundEventPrunerTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void idsOlderThanTheRetentionArePrunedAndYoungerOnesStillDeduplicate() {
        DriverManagerDataSource ds =
                new DriverManagerDataSource("jdbc:h2:mem:inbound-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        new ResourceDatabasePopulator(
                        new ClassPathResource("db/migration/V2__workflow.sql"),
                        new ClassPathResource("db/migration/V4__inbound_event_received_at.sql"),
                        new ClassPathResource("db/migration/V7__inbound_event_source.sql"))
                .execute(ds);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        new InboundEventLog(jdbc, Clock.fixed(NOW.minus(Duration.ofDays(31)), ZoneOffset.UTC))
                .record("tickets.events", event("old"));
        new InboundEventLog(jdbc, Clock.fixed(NOW.minus(Duration.ofDays(29)), ZoneOffset.UTC))
                .record("tickets.events", event("recent"));

        PimProperties properties = new Binder(
                        new MapConfigurationPropertySource(Map.of("pim.inbound.retention", "P30D")))
                .bindOrCreate("pim", PimProperties.class);
        int deleted = new InboundEventPruner(jdbc, Clock.fixed(NOW, ZoneOffset.UTC), properties).prune();

        assertThat(deleted).isEqualTo(1);
        InboundEventLog log = new InboundEventLog(jdbc, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(log.record("tickets.events", event("recent")).kind())
                .as("a recent id is still a duplicate")
                .isEqualTo(InboundEventLog.Kind.REDELIVERY);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM inbound_event WHERE event_id = 'old'", Integer.class))
                .isZero();
    }

    static InboundEvent event(String id) {
        return new InboundEvent(id, "t", "urn:test", null, JsonNodeFactory.instance.objectNode());
    }
}
