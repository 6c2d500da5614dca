package dev.pimflow.workflow.store;

import dev.pimflow.contracts.InboundEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Deduplication of inbound events (DESIGN §6.4), in the transaction that acts on the event. An event is identified by
 * its CloudEvents {@code source} and {@code id} together, as the CloudEvents spec defines it: the same id from another
 * source is another event. The SHA-256 of the event's content ({@link InboundEvent#contentHash()}) is kept with it, so
 * a redelivery (same content) is told from an id reused for something else.
 */
@Repository
public class InboundEventLog {
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public InboundEventLog(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** What an event is, measured against the events already processed on its topic. */
    public enum Kind {
        /** never seen: recorded now, to be acted on */
        NEW,
        /** the same source, id and content again (a redelivery or a resend): nothing to do */
        REDELIVERY,
        /** the same source and id with other content: to be refused */
        REUSED
    }

    /** @param firstType and {@code firstSeenAt}: of the earlier event, when there is one */
    public record Seen(Kind kind, String firstType, Instant firstSeenAt) {}

    private record Row(String source, String type, String hash, Instant receivedAt) {}

    /** Looks the event up by (topic, source, id) and records it when it is new. */
    public Seen record(String topic, InboundEvent event) {
        // by the primary key's prefix (topic, event_id): every source that used this id, usually none
        List<Row> rows = jdbc.query(
                "SELECT event_source, event_type, content_hash, received_at FROM inbound_event WHERE topic = ? AND event_id = ?",
                (rs, i) -> new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        instant(rs.getObject(4, OffsetDateTime.class))),
                topic,
                event.id());
        String hash = event.contentHash();
        for (Row row : rows) {
            if (row.source().equals(event.source())) {
                Kind kind = row.hash() == null || row.hash().equals(hash) ? Kind.REDELIVERY : Kind.REUSED;
                return new Seen(kind, row.type(), row.receivedAt());
            }
        }
        for (Row row : rows) {
            if (row.source().isEmpty()) {
                // recorded before sources were (V7): which source sent it is unknown, so it is taken as seen, as it was
                // then
                return new Seen(Kind.REDELIVERY, row.type(), row.receivedAt());
            }
        }
        // a concurrent twin fails here on the primary key; its transaction is retried and then sees this row
        jdbc.update(
                "INSERT INTO inbound_event (topic, event_id, event_source, event_type, content_hash, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                topic,
                event.id(),
                event.source(),
                event.type(),
                hash,
                ActivationStore.ts(clock.instant()));
        return new Seen(Kind.NEW, null, null);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
