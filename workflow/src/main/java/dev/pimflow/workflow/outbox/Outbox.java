package dev.pimflow.workflow.outbox;

import dev.pimflow.contracts.EventCodec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

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
        String eventId = UUID.randomUUID().toString();
        String payload = new String(codec.write(eventId, type, subject, data), StandardCharsets.UTF_8);
        jdbc.update("INSERT INTO outbox (event_id, topic, record_key, event_type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                eventId, topic, key, type, payload, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal.wake();
                }
            });
        } else {
            signal.wake();
        }
        return eventId;
    }

    public long backlog() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Long.class);
        return n == null ? 0 : n;
    }
}
