package dev.pimflow.workflow.store;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.time.Clock;

/** Deduplication of inbound events by CloudEvents id (DESIGN §6.4), in the transaction that acts on the event. */
@Repository
public class InboundEventLog {
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public InboundEventLog(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** @return false when this id was already processed on this topic (a redelivery or a duplicate) */
    public boolean firstSeen(String topic, String eventId, String type) {
        Integer seen = jdbc.queryForObject("SELECT COUNT(*) FROM inbound_event WHERE topic = ? AND event_id = ?", Integer.class, topic, eventId);
        if (seen != null && seen > 0) {
            return false;
        }
        // a concurrent twin fails here on the primary key; its transaction is retried and then sees this row
        jdbc.update("INSERT INTO inbound_event (event_id, topic, event_type, received_at) VALUES (?, ?, ?, ?)",
                eventId, topic, type, ActivationStore.ts(clock.instant()));
        return true;
    }
}
