package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * DESIGN §6.7 over the product's REST API: editing or deleting any audit row of a real activation is reported by
 * {@code GET /api/audit/verify}, naming the first bad sequence number; undoing the change makes the chain verify again.
 */
class AuditTrailDetectsTamperingTest extends EndToEndTestBase {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @Test
    void editedOrDeletedAuditRowsAreDetectedByVerify() throws Exception {
        tickets.requestActivation("CONTOSO:Audit-1", BOB, "PT1H");
        String activationId = awaitStatusOfTicket("CONTOSO:Audit-1", Status.DENIED)
                .path("data")
                .path("activationId")
                .asText();
        awaitAuditChained();
        JsonNode intact = verify();
        assertThat(intact.path("intact").asBoolean()).isTrue();

        long seq = jdbc.queryForObject(
                "SELECT MIN(seq) FROM audit_record WHERE activation_id = ?", Long.class, activationId);
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM audit_record WHERE seq = ?", seq);

        // an edit: the outcome of one record
        jdbc.update("UPDATE audit_record SET outcome = 'approved-by-attacker' WHERE seq = ?", seq);
        JsonNode edited = verify();
        assertThat(edited.path("intact").asBoolean()).isFalse();
        assertThat(edited.path("firstBadSeq").asLong()).isEqualTo(seq);
        jdbc.update("UPDATE audit_record SET outcome = ? WHERE seq = ?", row.get("outcome"), seq);
        assertThat(verify().path("intact").asBoolean()).isTrue();

        // a deletion
        jdbc.update("DELETE FROM audit_record WHERE seq = ?", seq);
        JsonNode deleted = verify();
        assertThat(deleted.path("intact").asBoolean()).isFalse();
        assertThat(deleted.path("firstBadSeq").asLong()).isEqualTo(seq);
        assertThat(deleted.path("problem").asText()).contains("missing");
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
        assertThat(verify().path("intact").asBoolean()).isTrue();
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
