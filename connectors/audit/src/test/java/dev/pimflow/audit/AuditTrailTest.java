package dev.pimflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.pimflow.contracts.seed.TutorialTenant;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** DESIGN §6.7: editing or deleting any record is detected by verify, which names the first bad sequence number. */
class AuditTrailTest {
    static final AuditKey KEY = AuditKey.of("test-audit-key-0123456789-0123456789", "pim.audit.hmac-key");
    private JdbcTemplate jdbc;
    private AuditTrail trail;

    @BeforeEach
    void setUp() {
        DriverManagerDataSource ds =
                new DriverManagerDataSource("jdbc:h2:mem:audit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        new ResourceDatabasePopulator(
                        new ClassPathResource("db/migration/V1__audit.sql"),
                        new ClassPathResource("db/migration/V3__audit_pending.sql"),
                        new ClassPathResource("db/migration/V5__audit_published.sql"),
                        new ClassPathResource("db/migration/V6__audit_chain_keyed.sql"))
                .execute(ds);
        jdbc = new JdbcTemplate(ds);
        trail = new AuditTrail(jdbc, Clock.systemUTC(), KEY);
        trail.bindKey("pim.audit.hmac-key");
        for (int i = 1; i <= 5; i++) {
            trail.record(new AuditEntry(
                    "act-" + (i % 2),
                    "pimflow",
                    "step-" + i,
                    "ok",
                    "Contoso ICM",
                    "CONTOSO:Security-012345",
                    TutorialTenant.ALINE_ID,
                    TutorialTenant.USER_ADMINISTRATOR_ROLE_ID,
                    Map.of("n", i, "note", "é \"quoted\"")));
        }
        trail.chainPending(100);
    }

    @Test
    void anUntouchedChainVerifies() {
        AuditVerification v = trail.verify();
        assertThat(v.intact()).isTrue();
        assertThat(v.recordsChecked()).isEqualTo(5);
        assertThat(trail.forActivation("act-1")).extracting(AuditRecord::seq).containsExactly(1L, 3L, 5L);
        assertThat(trail.forActivation("act-1").get(0).details()).containsEntry("n", 1);
    }

    @Test
    void chainedRecordsArePublishedInSeqOrderBehindACursorAndResentWithTheSameIdsUntilAcknowledged() {
        assertThat(trail.unpublishedCount()).isEqualTo(5);
        List<AuditRecord> first = trail.lockUnpublished(3, false);
        assertThat(first).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L);
        // not acknowledged (the relay's transaction rolled back or the node died): the same records come again
        assertThat(trail.lockUnpublished(3, false))
                .extracting(AuditTrail::eventId)
                .containsExactlyElementsOf(
                        first.stream().map(AuditTrail::eventId).toList());

        trail.published(3);
        assertThat(trail.unpublishedCount()).isEqualTo(2);
        assertThat(trail.lockUnpublished(100, false))
                .extracting(AuditRecord::seq)
                .containsExactly(4L, 5L);
        trail.published(2); // a cursor never moves back
        assertThat(trail.lockUnpublished(100, false))
                .extracting(AuditRecord::seq)
                .containsExactly(4L, 5L);
        trail.published(5);
        assertThat(trail.lockUnpublished(100, false)).isEmpty();
        assertThat(trail.unpublishedCount()).isZero();

        trail.record(entry("act-8", "later"));
        assertThat(trail.lockUnpublished(100, false))
                .as("pending records are published only once chained")
                .isEmpty();
        trail.chainPending(100);
        assertThat(trail.lockUnpublished(100, false))
                .extracting(AuditRecord::seq, AuditRecord::action)
                .containsExactly(tuple(6L, "later"));

        List<String> ids =
                trail.forActivation("act-1").stream().map(AuditTrail::eventId).toList();
        assertThat(ids)
                .doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(UUID.fromString(id)).isNotNull());
    }

    @Test
    void recordsAreChainedOnlyByTheChainerInTheOrderTheyWereRecorded() {
        trail.record(entry("act-7", "first"));
        trail.record(entry("act-7", "second"));
        assertThat(trail.forActivation("act-7")).isEmpty();
        assertThat(trail.pendingFor("act-7")).isEqualTo(2);
        assertThat(trail.verify().recordsPending()).isEqualTo(2);
        assertThat(trail.verify().intact()).isTrue();

        List<AuditRecord> chained = trail.chainPending(1);
        assertThat(chained).extracting(AuditRecord::seq, AuditRecord::action).containsExactly(tuple(6L, "first"));
        assertThat(trail.chainPending(100))
                .extracting(AuditRecord::seq, AuditRecord::action)
                .containsExactly(tuple(7L, "second"));
        assertThat(trail.chainPending(100)).isEmpty();

        assertThat(trail.forActivation("act-7").get(1).prevHash())
                .isEqualTo(trail.forActivation("act-7").get(0).hash());
        assertThat(trail.pendingCount()).isZero();
        AuditVerification v = trail.verify();
        assertThat(v.intact()).isTrue();
        assertThat(v.recordsChecked()).isEqualTo(7);
        assertThat(v.recordsPending()).isZero();
    }

    @Test
    void aChainedRecordCarriesWhatTheStepRecordedAndVerifiesByItsOwnHash() {
        AuditRecord r = trail.forActivation("act-1").get(0);
        assertThat(r.action()).isEqualTo("step-1");
        assertThat(r.details()).containsEntry("note", "é \"quoted\"");
        assertThat(AuditHashes.hmac(KEY, r)).isEqualTo(r.hash());
        assertThat(r.prevHash()).isEqualTo(AuditTrail.GENESIS_HASH);
    }

    private static AuditEntry entry(String activationId, String action) {
        return new AuditEntry(
                activationId,
                "pimflow",
                action,
                "ok",
                "Contoso ICM",
                "CONTOSO:Security-012345",
                TutorialTenant.ALINE_ID,
                TutorialTenant.USER_ADMINISTRATOR_ROLE_ID,
                Map.of());
    }

    @Test
    void anEditedFieldIsDetectedAtItsSequenceNumber() {
        jdbc.update("UPDATE audit_record SET outcome = 'forged' WHERE seq = 3");
        AuditVerification v = trail.verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(3L);
    }

    @Test
    void editedDetailsAreDetected() {
        jdbc.update("UPDATE audit_record SET details = '{\"n\":99}' WHERE seq = 2");
        assertThat(trail.verify().firstBadSeq()).isEqualTo(2L);
    }

    @Test
    void aDeletedRecordIsDetected() {
        jdbc.update("DELETE FROM audit_record WHERE seq = 4");
        AuditVerification v = trail.verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(4L);
    }

    @Test
    void deletingTheNewestRecordIsDetected() {
        jdbc.update("DELETE FROM audit_record WHERE seq = 5");
        AuditVerification v = trail.verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(5L);
    }

    @Test
    void aRecomputedHashDoesNotHideAnEdit() {
        // an attacker who rewrites one record and its own hash still breaks the next record's link
        AuditRecord r = trail.forActivation("act-0").get(0); // seq 2
        AuditRecord forged = new AuditRecord(
                r.seq(),
                r.activationId(),
                r.at(),
                "attacker",
                r.action(),
                r.outcome(),
                r.ticketSystem(),
                r.ticketNumber(),
                r.principalId(),
                r.roleDefinitionId(),
                r.details(),
                r.prevHash(),
                null);
        jdbc.update(
                "UPDATE audit_record SET actor = 'attacker', hash = ? WHERE seq = 2", AuditHashes.hmac(KEY, forged));
        assertThat(trail.verify().firstBadSeq()).isEqualTo(3L);
    }
}
