package dev.pimflow.audit;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The append-only, hash-chained audit trail, in two steps (ADR 0003):
 * <ol>
 * <li>{@link #record} runs inside the caller's transaction (the step that caused the record) and only inserts the
 * record into {@code audit_pending}, so a record exists exactly when its step committed, and no step waits for
 * another step's transaction;</li>
 * <li>{@link #chainPending} (the chainer, in its own short transaction) locks the chain's head row, takes committed
 * pending records in id order, assigns {@code seq}, {@code prevHash} and {@code hash}, moves them to
 * {@code audit_record} and advances the head: one lock and one head update per batch instead of per step.</li>
 * </ol>
 * The chain is also its own outbox (ADR 0004): {@link #lockUnpublished} and {@link #published} let the relay send the
 * chained records to {@code pim.audit} in seq order behind a cursor, with ids derived from their hashes.
 * Steps of one activation commit one after the other, so its records are chained in step order.
 * <p>
 * The chain is keyed (ADR 0005): each record's hash is an HMAC-SHA256, with a key the database does not hold, over its
 * predecessor's hash and its content, and the head row carries a MAC of (seq, hash, keyedFromSeq); {@link #checkpoint}
 * gives the MACed head to publish outside the database, and {@link #verify(AuditWitness)} compares against it.
 */
public class AuditTrail {
    public static final String GENESIS_HASH = "0".repeat(64);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final AuditKey key;
    private volatile Long keyedFromSeq;
    private volatile Supplier<AuditWitness> witnessSource;
    private final Runnable recorded;

    /**
     * @param key the chain's HMAC key (ADR 0005); it lives in configuration or a key file, never in the database
     */
    public AuditTrail(JdbcTemplate jdbc, Clock clock, AuditKey key) {
        this(jdbc, clock, key, () -> {});
    }

    /**
     * @param recorded run after each {@link #record}, in the caller's transaction: the orchestrator wakes its chainer
     *                 once that transaction commits, so no caller has to remember to
     */
    public AuditTrail(JdbcTemplate jdbc, Clock clock, AuditKey key, Runnable recorded) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.key = key;
        this.recorded = recorded;
    }

    /**
     * Binds the chain to this node's key, once, at start (before the chainer runs): the first start after the
     * migration that keyed the chain (V6) stores the key's id and MACs the head, which pins every record chained
     * before; a later start with another key is refused, so two keys never write one chain.
     *
     * @throws IllegalStateException when the chain was keyed with another key
     */
    public void bindKey(String setting) {
        Map<String, Object> head = jdbc.queryForMap(
                "SELECT last_seq, last_hash, keyed_from_seq, key_id FROM audit_chain_head WHERE id = 1");
        if (head.get("key_id") == null) {
            long seq = ((Number) head.get("last_seq")).longValue();
            String hash = (String) head.get("last_hash");
            long keyedFrom = ((Number) head.get("keyed_from_seq")).longValue();
            jdbc.update(
                    "UPDATE audit_chain_head SET key_id = ?, head_mac = ? WHERE id = 1 AND key_id IS NULL AND last_seq = ? AND last_hash = ?",
                    key.id(),
                    key.headMac(seq, hash, keyedFrom),
                    seq,
                    hash);
        }
        String bound = jdbc.queryForObject("SELECT key_id FROM audit_chain_head WHERE id = 1", String.class);
        if (!key.id().equals(bound)) {
            throw new IllegalStateException(
                    setting + ": this is not the key the audit chain was written with (the chain's key id is "
                            + bound + ", this key's id is " + key.id()
                            + "). Start with the chain's key (restore it from your backup); "
                            + "the key cannot be changed for an existing chain (ADR 0005)");
        }
    }

    /** The first seq whose hash is keyed (HMAC); records before it were chained with plain SHA-256 before the upgrade. */
    public long keyedFromSeq() {
        Long k = keyedFromSeq;
        if (k == null) {
            k = jdbc.queryForObject("SELECT keyed_from_seq FROM audit_chain_head WHERE id = 1", Long.class);
            keyedFromSeq = k;
        }
        return k;
    }

    /**
     * Where {@link #verifyWithWitness()} reads the witness outside the database from (the orchestrator: the
     * checkpoints on {@code pim.audit}).
     */
    public void witnessedBy(Supplier<AuditWitness> source) {
        this.witnessSource = source;
    }

    /** {@link #verify(AuditWitness)} against the witness of {@link #witnessedBy}, read now. */
    public AuditVerification verifyWithWitness() {
        Supplier<AuditWitness> source = witnessSource;
        return verify(
                source == null
                        ? AuditWitness.unavailable(null, "no witness outside the database is configured")
                        : source.get());
    }

    /** The checkpoints read from a witness: those whose MAC verifies with the chain's key are kept, the others counted. */
    public AuditWitness witness(String source, List<AuditCheckpoint> read) {
        return AuditWitness.read(source, read, key);
    }

    /** A MACed checkpoint of the chain up to and including {@code r}, to publish outside the database (ADR 0005). */
    public AuditCheckpoint checkpoint(AuditRecord r) {
        return AuditCheckpoint.of(
                key, r.seq(), r.hash(), keyedFromSeq(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    /** Writes the record, unchained, in the caller's transaction. */
    public void record(AuditEntry e) {
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> details = e.details() == null ? Map.of() : e.details();
        jdbc.update(
                """
                INSERT INTO audit_pending (activation_id, at, actor, action, outcome, ticket_system, ticket_number,
                    principal_id, role_definition_id, details)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                e.activationId(),
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC),
                e.actor(),
                e.action(),
                e.outcome(),
                e.ticketSystem(),
                e.ticketNumber(),
                e.principalId(),
                e.roleDefinitionId(),
                AuditHashes.canonicalJson(details));
        recorded.run();
    }

    /**
     * Chains up to {@code max} committed pending records, oldest first. Must run in a transaction: the head row stays
     * locked until it commits, so chainers on several nodes take turns and never fork the chain.
     *
     * @return the records chained, in chain order (empty when nothing was pending)
     */
    public List<AuditRecord> chainPending(int max) {
        Map<String, Object> head = jdbc.queryForMap(
                "SELECT last_seq, last_hash, keyed_from_seq, head_mac FROM audit_chain_head WHERE id = 1 FOR UPDATE");
        List<AuditRows.Pending> pending =
                jdbc.query("SELECT * FROM audit_pending ORDER BY id LIMIT " + max, AuditRows.PENDING);
        if (pending.isEmpty()) {
            return List.of();
        }
        long seq = ((Number) head.get("last_seq")).longValue();
        String prevHash = (String) head.get("last_hash");
        long keyedFrom = ((Number) head.get("keyed_from_seq")).longValue();
        if (!AuditKey.sameMac(key.headMac(seq, prevHash, keyedFrom), (String) head.get("head_mac"))) {
            // never extend (and so re-MAC) a head changed without the key: that would attest the change
            throw new TamperedHeadException(
                    "the audit chain head (seq " + seq + ") does not carry a valid MAC: it was changed without the "
                            + "chain's key. Nothing is chained on top of it; the records stay pending until the head is restored (ADR 0005)");
        }
        List<AuditRecord> chained = new ArrayList<>(pending.size());
        List<Object[]> rows = new ArrayList<>(pending.size());
        for (AuditRows.Pending p : pending) {
            seq++;
            AuditRecord r = p.record(seq, prevHash);
            String hash = AuditHashes.hash(key, r, keyedFrom);
            r = r.inChain(seq, prevHash, hash);
            chained.add(r);
            rows.add(row(r, p.detailsJson()));
            prevHash = hash;
        }
        jdbc.batchUpdate("""
                INSERT INTO audit_record (seq, activation_id, at, actor, action, outcome, ticket_system, ticket_number,
                    principal_id, role_definition_id, details, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
        jdbc.batchUpdate(
                "DELETE FROM audit_pending WHERE id = ?",
                pending.stream().map(p -> new Object[] {p.id()}).toList());
        jdbc.update(
                "UPDATE audit_chain_head SET last_seq = ?, last_hash = ?, head_mac = ? WHERE id = 1",
                seq,
                prevHash,
                key.headMac(seq, prevHash, keyedFrom));
        return chained;
    }

    /** The audit_record row of a chained record, with its details as they were stored pending (what was hashed). */
    private static Object[] row(AuditRecord r, String detailsJson) {
        return new Object[] {
            r.seq(),
            r.activationId(),
            OffsetDateTime.ofInstant(r.at(), ZoneOffset.UTC),
            r.actor(),
            r.action(),
            r.outcome(),
            r.ticketSystem(),
            r.ticketNumber(),
            r.principalId(),
            r.roleDefinitionId(),
            detailsJson,
            r.prevHash(),
            r.hash()
        };
    }

    /** The chain's head was changed without the key: the chainer does not extend it. */
    public static class TamperedHeadException extends IllegalStateException {
        public TamperedHeadException(String message) {
            super(message);
        }
    }

    /**
     * The records to publish next (ADR 0004): locks the publication cursor and returns up to {@code max} chained records
     * after it, in seq order. Must run in a transaction that ends with {@link #published} once Kafka acknowledged them,
     * so a crash in between sends them again (same event ids). With {@code skipLocked} a cursor locked by another node's
     * relay yields nothing instead of waiting (PostgreSQL); without it the caller waits its turn (H2, one node).
     */
    public List<AuditRecord> lockUnpublished(int max, boolean skipLocked) {
        List<Long> cursor = jdbc.queryForList(
                "SELECT last_seq FROM audit_published WHERE id = 1 FOR UPDATE" + (skipLocked ? " SKIP LOCKED" : ""),
                Long.class);
        if (cursor.isEmpty()) {
            return List.of();
        }
        return jdbc.query(
                "SELECT * FROM audit_record WHERE seq > ? ORDER BY seq LIMIT " + max, AuditRows.ROW, cursor.get(0));
    }

    /** Advances the publication cursor to {@code seq} (in the transaction of {@link #lockUnpublished}). */
    public void published(long seq) {
        jdbc.update("UPDATE audit_published SET last_seq = ? WHERE id = 1 AND last_seq < ?", seq, seq);
    }

    /** Chained records not yet acknowledged by Kafka. */
    public long unpublishedCount() {
        Long n = jdbc.queryForObject(
                "SELECT h.last_seq - p.last_seq FROM audit_chain_head h, audit_published p WHERE h.id = 1 AND p.id = 1",
                Long.class);
        return n == null ? 0 : n;
    }

    /** When the oldest chained record not yet acknowledged by Kafka was recorded; null when every one was. */
    public Instant oldestUnpublishedAt() {
        OffsetDateTime at = jdbc.queryForObject(
                "SELECT MIN(at) FROM audit_record WHERE seq > (SELECT last_seq FROM audit_published WHERE id = 1)",
                OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    /**
     * The CloudEvents id of a record's {@code audit.record} event: derived from its hash, which is unique along the
     * chain (it covers the record's seq and its predecessor's hash), so every send of the record carries the same id.
     */
    public static String eventId(AuditRecord r) {
        return eventId(r.hash());
    }

    /** {@link #eventId(AuditRecord)} from the record's hash alone. */
    public static String eventId(String recordHash) {
        return UUID.nameUUIDFromBytes(("pimflow:audit.record:" + recordHash).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** Records committed but not chained yet (the chainer's backlog). */
    public long pendingCount() {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM audit_pending", Long.class);
        return n == null ? 0 : n;
    }

    /** Records of one activation committed but not chained yet. */
    public long pendingFor(String activationId) {
        Long n = jdbc.queryForObject(
                "SELECT COUNT(*) FROM audit_pending WHERE activation_id = ?", Long.class, activationId);
        return n == null ? 0 : n;
    }

    public List<AuditRecord> forActivation(String activationId) {
        return jdbc.query(
                "SELECT * FROM audit_record WHERE activation_id = ? ORDER BY seq", AuditRows.ROW, activationId);
    }

    /**
     * Walks the whole chain in order and reports the first record whose sequence, link or hash does not verify, or a
     * chain head whose MAC does not (ADR 0005). Only the database is consulted: someone who holds the key as well can
     * rewrite the chain so that this says intact; {@link #verify(AuditWitness)} also compares it with a witness.
     */
    public AuditVerification verify() {
        return verify(null);
    }

    /**
     * {@link #verify()}, and then the chain is compared with the checkpoints of a witness outside the database: each
     * checkpoint's record must be in the chain with the witnessed hash (the hash covers every record before it), the
     * chain must not end before the newest checkpoint, and its keyed part must start where the checkpoints say.
     *
     * @param witness the checkpoints read from outside the database, or null when none was asked
     */
    public AuditVerification verify(AuditWitness witness) {
        return new AuditVerifier(jdbc, key, pendingCount()).verify(witness);
    }
}
