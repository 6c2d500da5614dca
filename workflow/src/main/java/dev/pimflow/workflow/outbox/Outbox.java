package dev.pimflow.workflow.outbox;

import dev.pimflow.contracts.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Transactional outbox (DESIGN §6.3): an outbound event is a row written in the transaction of the step that caused
 * it, with its CloudEvents id fixed at that moment; the relay sends it after commit and deletes it once Kafka acked.
 */
@Component
public class Outbox {
    private final JdbcTemplate jdbc;
    private final EventCodec codec;
    private final Clock clock;
    private final OutboxSignal signal;

    public Outbox(JdbcTemplate jdbc, EventCodec codec, Clock clock, OutboxSignal signal) {
        this.jdbc = jdbc;
        this.codec = codec;
        this.clock = clock;
        this.signal = signal;
    }

    /** @return the event id */
    public String publish(String topic, String key, String type, String subject, Object data) {
        return publishAll(List.of(new Outgoing(topic, key, type, subject, data)))
                .get(0);
    }

    /** Writes several events in one batched statement. @return their event ids, in order */
    public List<String> publishAll(List<Outgoing> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        List<String> ids = new ArrayList<>(events.size());
        List<Object[]> rows = new ArrayList<>(events.size());
        for (Outgoing e : events) {
            String eventId = UUID.randomUUID().toString();
            ids.add(eventId);
            rows.add(new Object[] {
                eventId,
                e.topic(),
                e.key(),
                e.type(),
                new String(codec.write(eventId, e.type(), e.subject(), e.data()), StandardCharsets.UTF_8),
                now
            });
        }
        jdbc.batchUpdate(
                "INSERT INTO outbox (event_id, topic, record_key, event_type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                rows);
        signal.wakeAfterCommit();
        return ids;
    }

    /** One outbound event: the Kafka topic and key, and the CloudEvent's type, subject and data. */
    public record Outgoing(String topic, String key, String type, String subject, Object data) {}

    public long backlog() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Long.class);
        return n == null ? 0 : n;
    }
}
