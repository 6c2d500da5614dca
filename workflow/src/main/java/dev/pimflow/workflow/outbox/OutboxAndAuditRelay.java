package dev.pimflow.workflow.outbox;

import dev.pimflow.audit.AuditCheckpoint;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.store.Databases;
import dev.pimflow.workflow.worker.SignalledWorker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relay of both outboxes: the outbox table's events and the audit chain (below). Sends outbox rows to Kafka in id order and deletes them once acknowledged (acks=all, idempotent producer). A row is
 * deleted only after its send succeeded, so a crash anywhere resends it (at least once, same CloudEvents id).
 * Several orchestrator nodes share the outbox, and one of them relays at a time: on PostgreSQL a batch first takes a
 * transaction-scoped advisory lock and a node that does not get it sends nothing. Were the nodes to claim disjoint
 * batches ({@code SKIP LOCKED}), a later batch could reach Kafka before an earlier one, and an activation's
 * {@code revoked} before its {@code active} (after a broker outage both wait in the outbox);
 * {@code OutboxKeepsEachKeysOrderAcrossNodesOnPostgresTest} shows it. H2 is the single-node embedded default.
 * <p>
 * The audit chain is an outbox of its own (ADR 0004): after the outbox rows, the relay sends the chained audit records
 * behind the publication cursor to {@code pim.audit}, in seq order, and advances the cursor once Kafka acknowledged them;
 * one node at a time holds the cursor, and a record's event id is derived from its hash, so a resend repeats it.
 * After each such batch it publishes an {@code audit.checkpoint} (ADR 0005): the MACed (seq, hash) of the last record
 * sent, the witness outside the database that {@code audit verify} compares the chain with.
 */
@Component
public class OutboxAndAuditRelay extends SignalledWorker {
    private static final Logger log = LoggerFactory.getLogger(OutboxAndAuditRelay.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final KafkaTemplate<String, byte[]> kafka;
    private final PimProperties.Outbox settings;
    private final AuditTrail audit;
    private final EventCodec codec;
    private final String auditTopic;
    private final boolean postgres;
    private final Duration checkpointInterval;
    private volatile SentCheckpoint lastCheckpoint;

    /** Key of the PostgreSQL advisory lock that makes one node at a time the outbox's relay. */
    static final long RELAY_LOCK = 0x70696d666c6f77L; // "pimflow"

    public OutboxAndAuditRelay(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            KafkaTemplate<String, byte[]> kafka,
            OutboxSignal signal,
            PimProperties properties,
            DataSource dataSource,
            AuditTrail audit,
            EventCodec codec) {
        super(
                "outbox-relay",
                signal,
                properties.outbox().batchSize(),
                properties.outbox().pollInterval(),
                "Outbox relay could not send");
        this.jdbc = jdbc;
        this.tx = tx;
        this.kafka = kafka;
        this.settings = properties.outbox();
        this.audit = audit;
        this.codec = codec;
        this.auditTopic = properties.topics().audit();
        this.postgres = Databases.isPostgres(dataSource);
        this.checkpointInterval = properties.audit().checkpointInterval();
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
        int rows = relayBatch();
        int records = relayAuditBatch();
        if (records == 0) {
            resendCheckpointIfIdle();
        }
        return Math.max(rows, records);
    }

    @Override
    public int getPhase() {
        // start after the Kafka producer factory is usable, stop before it goes away
        return Integer.MAX_VALUE - 1000;
    }

    /** Sends one batch; returns how many rows were sent and deleted. */
    public int relayBatch() {
        Integer sent = tx.execute(status -> {
            if (postgres
                    && !Boolean.TRUE.equals(
                            jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, RELAY_LOCK))) {
                return 0; // another node is relaying
            }
            List<Row> rows = jdbc.query(
                    "SELECT id, event_id, topic, record_key, event_type, payload FROM outbox ORDER BY id LIMIT "
                            + settings.batchSize() + " FOR UPDATE",
                    (rs, n) -> new Row(
                            rs.getLong("id"),
                            rs.getString("event_id"),
                            rs.getString("topic"),
                            rs.getString("record_key"),
                            rs.getString("event_type"),
                            rs.getString("payload")));
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
            for (Row row : rows) {
                sends.add(send(row.topic(), row.key(), row.payload().getBytes(StandardCharsets.UTF_8)));
            }
            awaitAcks(sends, "outbox events");
            List<Object[]> ids = rows.stream().map(r -> new Object[] {r.id()}).toList();
            jdbc.batchUpdate("DELETE FROM outbox WHERE id = ?", ids);
            log.debug("Outbox relay sent {} events", rows.size());
            return rows.size();
        });
        return sent == null ? 0 : sent;
    }

    /** Sends one batch of chained audit records behind the publication cursor; returns how many were acknowledged. */
    public int relayAuditBatch() {
        Integer sent = tx.execute(status -> {
            List<AuditRecord> records = audit.lockUnpublished(settings.batchSize(), postgres);
            if (records.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<?>> sends = new ArrayList<>(records.size());
            for (AuditRecord r : records) {
                // the event is rebuilt from the record on every send: same id, same time (the record's), same data
                sends.add(send(
                        auditTopic,
                        r.activationId(),
                        codec.write(
                                AuditTrail.eventId(r),
                                EventTypes.AUDIT_RECORD,
                                r.activationId(),
                                r.at().atOffset(ZoneOffset.UTC),
                                r)));
            }
            awaitAcks(sends, "audit records");
            // the witness outside the database (ADR 0005): a MACed checkpoint of the chain up to the last record sent
            AuditCheckpoint checkpoint = audit.checkpoint(records.get(records.size() - 1));
            awaitAcks(List.of(sendCheckpoint(checkpoint)), "audit checkpoint");
            lastCheckpoint = new SentCheckpoint(checkpoint, System.nanoTime());
            audit.published(records.get(records.size() - 1).seq());
            log.debug("Outbox relay sent {} audit records", records.size());
            return records.size();
        });
        return sent == null ? 0 : sent;
    }

    /**
     * Sends this node's last checkpoint again when it sent none for {@code pim.audit.checkpoint-interval}, so the newest
     * witness stays within {@code pim.audit}'s retention while nothing is audited. Only what this node itself attested
     * after sending the records is repeated: nothing is read from the database for it, so a chain rewritten meanwhile
     * is never attested.
     */
    void resendCheckpointIfIdle() {
        SentCheckpoint last = lastCheckpoint;
        if (last == null || System.nanoTime() - last.sentAtNanos() < checkpointInterval.toNanos()) {
            return;
        }
        awaitAcks(List.of(sendCheckpoint(last.checkpoint())), "audit checkpoint");
        lastCheckpoint = new SentCheckpoint(last.checkpoint(), System.nanoTime());
        log.debug(
                "Outbox relay re-sent the audit checkpoint of seq {}",
                last.checkpoint().seq());
    }

    /** A checkpoint on {@code pim.audit}: always partition 0 and one key, so that {@code audit verify} finds the newest at its end. */
    private CompletableFuture<?> sendCheckpoint(AuditCheckpoint c) {
        String id = UUID.nameUUIDFromBytes(
                        ("pimflow:audit.checkpoint:" + c.hash() + ":" + c.at()).getBytes(StandardCharsets.UTF_8))
                .toString();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                auditTopic,
                AuditCheckpoint.PARTITION,
                AuditCheckpoint.KAFKA_KEY,
                codec.write(id, AuditCheckpoint.EVENT_TYPE, "seq-" + c.seq(), c.at().atOffset(ZoneOffset.UTC), c));
        record.headers()
                .add(new RecordHeader("content-type", EventCodec.contentType().getBytes(StandardCharsets.UTF_8)));
        return kafka.send(record);
    }

    private CompletableFuture<?> send(String topic, String key, byte[] payload) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, payload);
        record.headers()
                .add(new RecordHeader("content-type", EventCodec.contentType().getBytes(StandardCharsets.UTF_8)));
        return kafka.send(record);
    }

    private static void awaitAcks(List<CompletableFuture<?>> sends, String what) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Kafka did not acknowledge " + sends.size() + " " + what + ": " + e.getMessage(), e);
        }
    }

    private record SentCheckpoint(AuditCheckpoint checkpoint, long sentAtNanos) {}

    private record Row(long id, String eventId, String topic, String key, String type, String payload) {}
}
