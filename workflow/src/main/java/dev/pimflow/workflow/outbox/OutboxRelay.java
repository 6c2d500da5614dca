package dev.pimflow.workflow.outbox;

import dev.pimflow.contracts.EventCodec;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.store.Databases;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends outbox rows to Kafka in id order and deletes them once acknowledged (acks=all, idempotent producer). A row is
 * deleted only after its send succeeded, so a crash anywhere resends it (at least once, same CloudEvents id).
 * Several orchestrator nodes share the outbox: on PostgreSQL rows are claimed with {@code FOR UPDATE SKIP LOCKED}.
 */
@Component
public class OutboxRelay extends SignalledWorker {
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final KafkaTemplate<String, byte[]> kafka;
    private final PimProperties.Outbox settings;
    private final String lockClause;

    public OutboxRelay(JdbcTemplate jdbc, TransactionTemplate tx, KafkaTemplate<String, byte[]> kafka, OutboxSignal signal,
                       PimProperties properties, DataSource dataSource) {
        super("outbox-relay", signal);
        this.jdbc = jdbc;
        this.tx = tx;
        this.kafka = kafka;
        this.settings = properties.outbox();
        this.lockClause = Databases.isPostgres(dataSource) ? "FOR UPDATE SKIP LOCKED" : "FOR UPDATE";
    }

    @Override
    protected boolean enabled() {
        if (!settings.relayEnabled()) {
            log.warn("Outbox relay disabled (pim.outbox.relay-enabled=false): outbound events stay in the outbox");
        }
        return settings.relayEnabled();
    }

    @Override
    protected int runBatch() {
        return relayBatch();
    }

    @Override
    protected int batchSize() {
        return settings.batchSize();
    }

    @Override
    protected Duration pollInterval() {
        return settings.pollInterval();
    }

    @Override
    protected String failureDescription() {
        return "Outbox relay could not send";
    }

    @Override
    public int getPhase() {
        // start after the Kafka producer factory is usable, stop before it goes away
        return Integer.MAX_VALUE - 1000;
    }

    /** Sends one batch; returns how many rows were sent and deleted. */
    public int relayBatch() {
        Integer sent = tx.execute(status -> {
            List<Row> rows = jdbc.query("SELECT id, event_id, topic, record_key, event_type, payload FROM outbox ORDER BY id LIMIT "
                            + settings.batchSize() + " " + lockClause,
                    (rs, n) -> new Row(rs.getLong("id"), rs.getString("event_id"), rs.getString("topic"), rs.getString("record_key"),
                            rs.getString("event_type"), rs.getString("payload")));
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
            for (Row row : rows) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(row.topic(), row.key(), row.payload().getBytes(StandardCharsets.UTF_8));
                record.headers().add(new RecordHeader("content-type", EventCodec.contentType().getBytes(StandardCharsets.UTF_8)));
                sends.add(kafka.send(record));
            }
            try {
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Kafka did not acknowledge " + rows.size() + " outbox events: " + e.getMessage(), e);
            }
            List<Object[]> ids = rows.stream().map(r -> new Object[]{r.id()}).toList();
            jdbc.batchUpdate("DELETE FROM outbox WHERE id = ?", ids);
            log.debug("Outbox relay sent {} events", rows.size());
            return rows.size();
        });
        return sent == null ? 0 : sent;
    }

    private record Row(long id, String eventId, String topic, String key, String type, String payload) {
    }
}
