package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.audit.AuditHashes;
import dev.pimflow.audit.AuditKey;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * ADR 0005 through {@code GET /api/audit/verify}: an insider who can write the database rewrites a real activation's
 * audit records and every later one, with recomputed hashes and chain head, as one would with SQL. Without the key
 * (plain SHA-256, as the chain was hashed before) the keyed chain says broken; with the key too, the database alone
 * cannot tell, and the checkpoints the relay published to {@code pim.audit} do. Every test puts the rows back.
 */
class AuditChainResistsInsidersTest extends EndToEndTestBase {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;
    /** The insider who holds the key uses the one the orchestrator is configured with. */
    @Value("${pim.audit.hmac-key}")
    String configuredKey;

    @Test
    void aRewriteWithRecomputedSha256HashesAndHeadIsReportedBroken() throws Exception {
        long from = deniedActivationWitnessed("CONTOSO:Insider-1");
        Snapshot before = snapshot(from);
        try {
            rewriteFrom(from, AuditHashes::sha256);
            setHead(null); // the head's MAC cannot be made without the key
            JsonNode v = verify();
            assertThat(v.path("intact").asBoolean()).isFalse();
            assertThat(v.path("firstBadSeq").asLong()).isEqualTo(from);
            assertThat(v.path("problem").asText()).contains("HMAC");
        } finally {
            before.restore();
        }
        assertThat(verify().path("intact").asBoolean()).isTrue();
    }

    @Test
    void aRewriteBySomeoneWhoHoldsTheKeyIsCaughtByTheCheckpointsOnPimAudit() throws Exception {
        long from = deniedActivationWitnessed("CONTOSO:Insider-2");
        JsonNode witnessed = verify();
        long head = witnessed.path("witness").path("seq").asLong();
        AuditKey key = AuditKey.of(configuredKey, "pim.audit.hmac-key");
        Snapshot before = snapshot(from);
        try {
            rewriteFrom(from, r -> AuditHashes.hmac(key, r));
            setHead(key);
            assertThat(audit.verify().intact())
                    .as("with the key, the database alone cannot tell")
                    .isTrue();

            JsonNode v = verify();
            assertThat(v.path("intact").asBoolean()).isFalse();
            // the oldest checkpoint that no longer matches: the rewrite began at or before it
            assertThat(v.path("firstBadSeq").asLong()).isBetween(from, head);
            assertThat(v.path("problem").asText()).contains("rewritten").contains("pim.audit");
            assertThat(v.path("witness").path("checked").asBoolean()).isTrue();
            assertThat(v.path("witness").path("seq").asLong()).isEqualTo(head);
        } finally {
            before.restore();
        }
        JsonNode restored = verify();
        assertThat(restored.path("intact").asBoolean()).isTrue();
        assertThat(restored.path("witness").path("checked").asBoolean()).isTrue();
    }

    @Test
    void removingTheNewestRecordsWithTheKeyIsCaughtByTheCheckpointsOnPimAudit() throws Exception {
        long from = deniedActivationWitnessed("CONTOSO:Insider-3");
        AuditKey key = AuditKey.of(configuredKey, "pim.audit.hmac-key");
        Snapshot before = snapshot(from);
        try {
            String kept = hashBefore(from);
            jdbc.update("DELETE FROM audit_record WHERE seq >= ?", from);
            jdbc.update(
                    "UPDATE audit_chain_head SET last_seq = ?, last_hash = ?, head_mac = ? WHERE id = 1",
                    from - 1,
                    kept,
                    key.headMac(from - 1, kept, audit.keyedFromSeq()));
            assertThat(audit.verify().intact())
                    .as("with the key, the database alone cannot tell")
                    .isTrue();

            JsonNode v = verify();
            assertThat(v.path("intact").asBoolean()).isFalse();
            assertThat(v.path("firstBadSeq").asLong()).isEqualTo(from);
            assertThat(v.path("problem").asText()).contains("removed");
        } finally {
            before.restore();
        }
        assertThat(verify().path("intact").asBoolean()).isTrue();
    }

    /**
     * A denied activation (requested, denied: a few records), chained, published and witnessed: the newest checkpoint on
     * pim.audit is the chain's head. Returns the activation's first seq.
     */
    private long deniedActivationWitnessed(String ticket) throws Exception {
        tickets.requestActivation(ticket, BOB, "PT1H");
        String activationId = awaitStatusOfTicket(ticket, Status.DENIED)
                .path("data")
                .path("activationId")
                .asText();
        awaitAuditChained();
        await().atMost(WAIT).until(() -> audit.unpublishedCount() == 0 && audit.pendingCount() == 0);
        long headSeq = jdbc.queryForObject("SELECT last_seq FROM audit_chain_head WHERE id = 1", Long.class);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode v = verify();
            assertThat(v.path("intact").asBoolean()).isTrue();
            assertThat(v.path("witness").path("checked").asBoolean()).isTrue();
            assertThat(v.path("witness").path("seq").asLong()).isEqualTo(headSeq);
        });
        return jdbc.queryForObject(
                "SELECT MIN(seq) FROM audit_record WHERE activation_id = ?", Long.class, activationId);
    }

    /** Edits record {@code from} and re-hashes it and every later one with {@code hasher}, each linked to its new predecessor. */
    private void rewriteFrom(long from, Function<AuditRecord, String> hasher) {
        String prev = hashBefore(from);
        for (AuditRecord r : recordsFrom(from)) {
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
            jdbc.update(
                    "UPDATE audit_record SET actor = ?, outcome = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                    changed.actor(),
                    changed.outcome(),
                    changed.prevHash(),
                    prev,
                    r.seq());
        }
    }

    private String hashBefore(long seq) {
        return seq == 1
                ? AuditTrail.GENESIS_HASH
                : jdbc.queryForObject("SELECT hash FROM audit_record WHERE seq = ?", String.class, seq - 1);
    }

    /** Moves the head to the last record's hash; MACed when the insider holds the key. */
    private void setHead(AuditKey key) {
        Map<String, Object> last =
                jdbc.queryForMap("SELECT seq, hash FROM audit_record WHERE seq = (SELECT MAX(seq) FROM audit_record)");
        long seq = ((Number) last.get("seq")).longValue();
        String hash = (String) last.get("hash");
        jdbc.update(
                "UPDATE audit_chain_head SET last_seq = ?, last_hash = ?, head_mac = ? WHERE id = 1",
                seq,
                hash,
                key == null ? "0".repeat(64) : key.headMac(seq, hash, audit.keyedFromSeq()));
    }

    private List<AuditRecord> recordsFrom(long from) {
        List<AuditRecord> out = new ArrayList<>();
        for (String id : jdbc.queryForList(
                "SELECT DISTINCT activation_id FROM audit_record WHERE seq >= ?", String.class, from)) {
            audit.forActivation(id).stream().filter(r -> r.seq() >= from).forEach(out::add);
        }
        out.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        return out;
    }

    private Snapshot snapshot(long from) {
        return new Snapshot(
                jdbc.queryForList("SELECT * FROM audit_record WHERE seq >= ? ORDER BY seq", from),
                jdbc.queryForMap("SELECT last_seq, last_hash, head_mac FROM audit_chain_head WHERE id = 1"),
                from);
    }

    /** The rows as they were, put back whatever the insider did. */
    private final class Snapshot {
        private final List<Map<String, Object>> rows;
        private final Map<String, Object> head;
        private final long from;

        Snapshot(List<Map<String, Object>> rows, Map<String, Object> head, long from) {
            this.rows = rows;
            this.head = head;
            this.from = from;
        }

        void restore() {
            jdbc.update("DELETE FROM audit_record WHERE seq >= ?", from);
            for (Map<String, Object> row : rows) {
                jdbc.update(
                        """
                        INSERT INTO audit_record (seq, activation_id, at, actor, action, outcome, ticket_system, ticket_number, principal_id,
                            role_definition_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        row.get("seq"),
                        row.get("activation_id"),
                        row.get("at"),
                        row.get("actor"),
                        row.get("action"),
                        row.get("outcome"),
                        row.get("ticket_system"),
                        row.get("ticket_number"),
                        row.get("principal_id"),
                        row.get("role_definition_id"),
                        row.get("details"),
                        row.get("prev_hash"),
                        row.get("hash"));
            }
            jdbc.update(
                    "UPDATE audit_chain_head SET last_seq = ?, last_hash = ?, head_mac = ? WHERE id = 1",
                    head.get("last_seq"),
                    head.get("last_hash"),
                    head.get("head_mac"));
        }
    }

    private JsonNode verify() throws Exception {
        String basic = "Basic "
                + Base64.getEncoder().encodeToString("admin:test-admin-password".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/audit/verify"))
                        .header("Authorization", basic)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return json.readTree(r.body());
    }
}
