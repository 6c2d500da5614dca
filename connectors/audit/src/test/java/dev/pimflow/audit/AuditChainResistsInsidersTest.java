package dev.pimflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pimflow.contracts.seed.TutorialTenant;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * ADR 0005: the chain against someone who can write the database. Each test plays an insider's rewrite the way it
 * would be done with SQL: the record, every later one with recomputed hashes, and the head.
 */
class AuditChainResistsInsidersTest {
    static final AuditKey KEY = AuditKey.of("test-audit-key-0123456789-0123456789", "pim.audit.hmac-key");
    static final AuditKey OTHER_KEY = AuditKey.of("another-key-that-is-not-the-chains-key", "pim.audit.hmac-key");

    private DriverManagerDataSource ds;
    private JdbcTemplate jdbc;
    private AuditTrail trail;

    @BeforeEach
    void setUp() {
        ds = new DriverManagerDataSource("jdbc:h2:mem:audit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        jdbc = new JdbcTemplate(ds);
    }

    private void keyedChainOf(int n) {
        migrate("V1__audit.sql", "V3__audit_pending.sql", "V5__audit_published.sql", "V6__audit_chain_keyed.sql");
        trail = new AuditTrail(jdbc, Clock.systemUTC(), KEY);
        trail.bindKey("pim.audit.hmac-key");
        append(n);
    }

    private void append(int n) {
        for (int i = 1; i <= n; i++) {
            trail.record(new AuditEntry(
                    "act-" + (i % 2),
                    "pimflow",
                    "step-" + i,
                    "ok",
                    "Contoso ICM",
                    "CONTOSO:Security-012345",
                    TutorialTenant.ALINE_ID,
                    TutorialTenant.USER_ADMINISTRATOR_ROLE_ID,
                    Map.of("n", i)));
        }
        trail.chainPending(100);
    }

    private void migrate(String... scripts) {
        ResourceDatabasePopulator p = new ResourceDatabasePopulator();
        for (String s : scripts) {
            p.addScript(new ClassPathResource("db/migration/" + s));
        }
        p.execute(ds);
    }

    /** The newest checkpoint, as the relay publishes it after sending the records. */
    private AuditWitness witnessOfHead() {
        AuditRecord head = all().get(all().size() - 1);
        return AuditWitness.read("pim.audit", List.of(trail.checkpoint(head)), KEY);
    }

    // ------------------------------------------------------------------ a database writer without the key

    @Test
    void aFullRewriteWithRecomputedSha256HashesAndHeadIsDetected() {
        keyedChainOf(5);
        rewriteFrom(2, AuditHashes::sha256, null);
        AuditVerification v = trail.verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(2L);
        assertThat(v.problem()).contains("HMAC");
    }

    @Test
    void aFullRewriteWithAnotherKeyIsDetected() {
        keyedChainOf(5);
        rewriteFrom(2, r -> AuditHashes.hmac(OTHER_KEY, r), OTHER_KEY);
        assertThat(trail.verify().firstBadSeq()).isEqualTo(2L);
    }

    @Test
    void declaringEveryRecordUnkeyedAndRehashingWithSha256IsDetected() {
        // the downgrade: move the cut-over past the end, so that every record is "from before the key", and re-hash
        keyedChainOf(5);
        jdbc.update("UPDATE audit_chain_head SET keyed_from_seq = 6 WHERE id = 1");
        rewriteFrom(1, AuditHashes::sha256, null);
        AuditVerification v = trail.verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.problem()).contains("head").contains("MAC");
    }

    @Test
    void theChainerDoesNotExtendAHeadChangedWithoutTheKey() {
        // were it to chain on top, its new head MAC would attest the downgrade (every record "unkeyed", SHA-256)
        keyedChainOf(5);
        jdbc.update("UPDATE audit_chain_head SET keyed_from_seq = 6 WHERE id = 1");
        rewriteFrom(1, AuditHashes::sha256, null);
        trail.record(new AuditEntry("act-9", "pimflow", "later", "ok", null, null, null, null, Map.of()));
        assertThatThrownBy(() -> trail.chainPending(100))
                .isInstanceOf(AuditTrail.TamperedHeadException.class)
                .hasMessageContaining("head (seq 5)");
        assertThat(trail.pendingCount()).isEqualTo(1);
        assertThat(trail.verify().intact()).isFalse();
    }

    @Test
    void removingTheNewestRecordsAndMovingTheHeadBackIsDetected() {
        keyedChainOf(5);
        Map<String, Object> r3 = jdbc.queryForMap("SELECT hash FROM audit_record WHERE seq = 3");
        jdbc.update("DELETE FROM audit_record WHERE seq > 3");
        jdbc.update("UPDATE audit_chain_head SET last_seq = 3, last_hash = ? WHERE id = 1", r3.get("hash"));
        AuditVerification v = trail.verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(3L);
    }

    // ------------------------------------------------------------------ a database writer who holds the key too

    @Test
    void aFullRewriteByAKeyHolderPassesTheDatabaseAloneButNotTheWitness() {
        keyedChainOf(5);
        AuditWitness witness = witnessOfHead();
        assertThat(trail.verify(witness).intact()).isTrue();
        assertThat(trail.verify(witness).witness().checked()).isTrue();
        assertThat(trail.verify(witness).witness().seq()).isEqualTo(5L);

        rewriteFrom(2, r -> AuditHashes.hmac(KEY, r), KEY);

        assertThat(trail.verify().intact())
                .as("with the key, the database alone cannot tell")
                .isTrue();
        AuditVerification v = trail.verify(witness);
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(5L);
        assertThat(v.problem()).contains("rewritten").contains("pim.audit");
        assertThat(v.witness().problem()).isEqualTo(v.problem());
    }

    @Test
    void aKeyHolderRemovingRecordsAfterTheWitnessedOneIsDetected() {
        keyedChainOf(5);
        AuditWitness witness = witnessOfHead();
        String h3 = jdbc.queryForObject("SELECT hash FROM audit_record WHERE seq = 3", String.class);
        jdbc.update("DELETE FROM audit_record WHERE seq > 3");
        jdbc.update(
                "UPDATE audit_chain_head SET last_seq = 3, last_hash = ?, head_mac = ? WHERE id = 1",
                h3,
                KEY.headMac(3, h3, trail.keyedFromSeq()));
        assertThat(trail.verify().intact()).isTrue();
        AuditVerification v = trail.verify(witness);
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(4L);
        assertThat(v.problem()).contains("removed");
    }

    @Test
    void checkpointsWithoutTheKeysMacAreRejectedNotBelieved() {
        keyedChainOf(5);
        AuditRecord head = all().get(4);
        AuditCheckpoint forged = new AuditCheckpoint(9, "f".repeat(64), 1, Instant.now(), "0".repeat(64));
        AuditCheckpoint otherKey = AuditCheckpoint.of(OTHER_KEY, 5, "e".repeat(64), 1, Instant.now());
        AuditVerification v =
                trail.verify(AuditWitness.read("pim.audit", List.of(trail.checkpoint(head), forged, otherKey), KEY));
        assertThat(v.intact()).isTrue();
        assertThat(v.witness().checkpointsCompared()).isEqualTo(1);
        assertThat(v.witness().checkpointsRejected()).isEqualTo(2);

        AuditVerification none = trail.verify(AuditWitness.read("pim.audit", List.of(forged), KEY));
        assertThat(none.intact()).isTrue();
        assertThat(none.witness().checked()).isFalse();
        assertThat(none.witness().problem()).contains("no checkpoint");
    }

    // ------------------------------------------------------------------ prevHash binds a record to its predecessor

    @Test
    void relinkingARecordToAnotherPredecessorIsDetectedEvenWhenEveryHashIsSelfConsistent() {
        // A key holder rewrites record 3 with a self-consistent hash and re-links record 4 to it (its prev_hash column)
        // without touching record 4's hash: only the predecessor's hash inside record 4's hash can tell. Without it,
        // the witness of the head would not notice either, since the head's hash would not depend on record 3.
        keyedChainOf(5);
        AuditWitness witness = witnessOfHead();
        AuditRecord r3 = all().get(2);
        AuditRecord forged = new AuditRecord(
                3,
                r3.activationId(),
                r3.at(),
                "attacker",
                r3.action(),
                "approved-by-attacker",
                r3.ticketSystem(),
                r3.ticketNumber(),
                r3.principalId(),
                r3.roleDefinitionId(),
                r3.details(),
                r3.prevHash(),
                null);
        String forgedHash = AuditHashes.hmac(KEY, forged);
        jdbc.update(
                "UPDATE audit_record SET actor = 'attacker', outcome = 'approved-by-attacker', hash = ? WHERE seq = 3",
                forgedHash);
        jdbc.update("UPDATE audit_record SET prev_hash = ? WHERE seq = 4", forgedHash);

        AuditVerification v = trail.verify(witness);
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(4L);
    }

    @Test
    void swappingTwoRecordsContentIsDetected() {
        // records 2 and 3 exchange their content (seq stays), each re-hashed self-consistently by a key holder over its
        // own prev_hash column as it stands: the links no longer match the predecessors' hashes
        keyedChainOf(5);
        AuditWitness witness = witnessOfHead();
        List<AuditRecord> rs = all();
        AuditRecord a = rs.get(1);
        AuditRecord b = rs.get(2);
        AuditRecord newA = new AuditRecord(
                2,
                b.activationId(),
                b.at(),
                b.actor(),
                b.action(),
                b.outcome(),
                b.ticketSystem(),
                b.ticketNumber(),
                b.principalId(),
                b.roleDefinitionId(),
                b.details(),
                a.prevHash(),
                null);
        AuditRecord newB = new AuditRecord(
                3,
                a.activationId(),
                a.at(),
                a.actor(),
                a.action(),
                a.outcome(),
                a.ticketSystem(),
                a.ticketNumber(),
                a.principalId(),
                a.roleDefinitionId(),
                a.details(),
                b.prevHash(),
                null);
        store(newA, AuditHashes.hmac(KEY, newA));
        store(newB, AuditHashes.hmac(KEY, newB));
        // re-link record 3 to the new record 2 and record 4 to the new record 3, hashes untouched
        jdbc.update("UPDATE audit_record SET prev_hash = ? WHERE seq = 3", AuditHashes.hmac(KEY, newA));
        jdbc.update("UPDATE audit_record SET prev_hash = ? WHERE seq = 4", AuditHashes.hmac(KEY, newB));

        AuditVerification v = trail.verify(witness);
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(3L);
    }

    // ------------------------------------------------------------------ chains from before the key

    @Test
    void aChainFromBeforeTheKeyStillVerifiesIsReportedAsUnkeyedAndIsPinnedOnceKeyed() {
        migrate("V1__audit.sql", "V3__audit_pending.sql", "V5__audit_published.sql");
        String prev = AuditTrail.GENESIS_HASH;
        for (long seq = 1; seq <= 3; seq++) {
            AuditRecord r = new AuditRecord(
                    seq,
                    "old-" + seq,
                    Instant.parse("2026-01-01T00:00:00Z").plusSeconds(seq),
                    "pimflow",
                    "requested",
                    "ok",
                    null,
                    null,
                    null,
                    null,
                    Map.of("n", (int) seq),
                    prev,
                    null);
            prev = AuditHashes.sha256(r);
            insert(r, prev);
        }
        jdbc.update("UPDATE audit_chain_head SET last_seq = 3, last_hash = ? WHERE id = 1", prev);
        migrate("V6__audit_chain_keyed.sql");
        trail = new AuditTrail(jdbc, Clock.systemUTC(), KEY);
        trail.bindKey("pim.audit.hmac-key");

        AuditVerification before = trail.verify();
        assertThat(before.intact()).isTrue();
        assertThat(before.recordsChecked()).isEqualTo(3);
        assertThat(before.recordsUnkeyed()).isEqualTo(3);
        assertThat(before.keyedFromSeq()).isEqualTo(4);

        append(2);
        AuditVerification after = trail.verify();
        assertThat(after.intact()).isTrue();
        assertThat(after.recordsChecked()).isEqualTo(5);
        assertThat(after.recordsUnkeyed()).isEqualTo(3);
        assertThat(all().get(3).hash())
                .isEqualTo(AuditHashes.hmac(KEY, all().get(3)))
                .isNotEqualTo(AuditHashes.sha256(all().get(3)));

        // an unkeyed record rewritten with SHA-256 as before: the keyed record after it no longer links
        rewriteRange(2, 3, AuditHashes::sha256);
        AuditVerification v = trail.verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(4L);
    }

    @Test
    void anUnkeyedChainWithNoKeyedRecordYetIsPinnedByTheHeadsMac() {
        migrate("V1__audit.sql", "V3__audit_pending.sql", "V5__audit_published.sql");
        AuditRecord r = new AuditRecord(
                1,
                "old",
                Instant.parse("2026-01-01T00:00:00Z"),
                "pimflow",
                "requested",
                "ok",
                null,
                null,
                null,
                null,
                Map.of(),
                AuditTrail.GENESIS_HASH,
                null);
        insert(r, AuditHashes.sha256(r));
        jdbc.update("UPDATE audit_chain_head SET last_seq = 1, last_hash = ? WHERE id = 1", AuditHashes.sha256(r));
        migrate("V6__audit_chain_keyed.sql");
        trail = new AuditTrail(jdbc, Clock.systemUTC(), KEY);
        trail.bindKey("pim.audit.hmac-key");
        assertThat(trail.verify().intact()).isTrue();

        rewriteFrom(1, AuditHashes::sha256, null);
        assertThat(trail.verify().intact()).isFalse();
    }

    @Test
    void aNodeWithAnotherKeyRefusesToWriteTheChain() {
        keyedChainOf(2);
        AuditTrail other = new AuditTrail(jdbc, Clock.systemUTC(), OTHER_KEY);
        assertThatThrownBy(() -> other.bindKey("pim.audit.hmac-key"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pim.audit.hmac-key")
                .hasMessageContaining("not the key the audit chain was written with")
                .hasMessageContaining(KEY.id())
                .hasMessageNotContaining("another-key");
        // the same key binds again (every start)
        new AuditTrail(jdbc, Clock.systemUTC(), KEY).bindKey("pim.audit.hmac-key");
    }

    @Test
    void aShortKeyIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> AuditKey.of("too-short", "pim.audit.hmac-key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pim.audit.hmac-key: the audit HMAC key must be at least 32 bytes, got 9");
        assertThatThrownBy(() -> AuditKey.of(null, "pim.audit.hmac-key")).hasMessageContaining("got 0");
        assertThat(KEY.toString()).doesNotContain("test-audit-key");
    }

    // ------------------------------------------------------------------ the insider's tools

    private List<AuditRecord> all() {
        List<AuditRecord> out = new ArrayList<>();
        out.addAll(trail.forActivation("act-0"));
        out.addAll(trail.forActivation("act-1"));
        for (String id : jdbc.queryForList(
                "SELECT DISTINCT activation_id FROM audit_record WHERE activation_id NOT IN ('act-0', 'act-1')",
                String.class)) {
            out.addAll(trail.forActivation(id));
        }
        out.sort((x, y) -> Long.compare(x.seq(), y.seq()));
        return out;
    }

    /**
     * Edits record {@code from} (actor and outcome) and re-hashes it and every later record with {@code hasher},
     * re-linking each to its new predecessor, then moves the head to the new last hash, MACed with {@code headKey}
     * when the insider holds one.
     */
    private void rewriteFrom(long from, Function<AuditRecord, String> hasher, AuditKey headKey) {
        String last = rewriteRange(from, Long.MAX_VALUE, hasher);
        long lastSeq = jdbc.queryForObject("SELECT MAX(seq) FROM audit_record", Long.class);
        long keyedFrom = jdbc.queryForObject("SELECT keyed_from_seq FROM audit_chain_head WHERE id = 1", Long.class);
        jdbc.update(
                "UPDATE audit_chain_head SET last_hash = ?, head_mac = ? WHERE id = 1",
                last,
                headKey == null ? null : headKey.headMac(lastSeq, last, keyedFrom));
    }

    /** Edits record {@code from} and re-hashes records {@code from..to}; returns the last new hash. */
    private String rewriteRange(long from, long to, Function<AuditRecord, String> hasher) {
        String prev = from == 1
                ? AuditTrail.GENESIS_HASH
                : jdbc.queryForObject("SELECT hash FROM audit_record WHERE seq = ?", String.class, from - 1);
        for (AuditRecord r : all()) {
            if (r.seq() < from || r.seq() > to) {
                continue;
            }
            boolean edited = r.seq() == from;
            AuditRecord changed = new AuditRecord(
                    r.seq(),
                    r.activationId(),
                    r.at(),
                    edited ? "attacker" : r.actor(),
                    r.action(),
                    edited ? "approved-by-attacker" : r.outcome(),
                    r.ticketSystem(),
                    r.ticketNumber(),
                    r.principalId(),
                    r.roleDefinitionId(),
                    r.details(),
                    prev,
                    null);
            prev = hasher.apply(changed);
            store(changed, prev);
        }
        return prev;
    }

    private void store(AuditRecord r, String hash) {
        jdbc.update(
                "UPDATE audit_record SET activation_id = ?, at = ?, actor = ?, action = ?, outcome = ?, details = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                r.activationId(),
                OffsetDateTime.ofInstant(r.at(), ZoneOffset.UTC),
                r.actor(),
                r.action(),
                r.outcome(),
                AuditHashes.canonicalJson(r.details()),
                r.prevHash(),
                hash,
                r.seq());
    }

    private void insert(AuditRecord r, String hash) {
        jdbc.update(
                """
                INSERT INTO audit_record (seq, activation_id, at, actor, action, outcome, details, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                r.seq(),
                r.activationId(),
                OffsetDateTime.ofInstant(r.at(), ZoneOffset.UTC),
                r.actor(),
                r.action(),
                r.outcome(),
                AuditHashes.canonicalJson(r.details()),
                r.prevHash(),
                hash);
    }
}
