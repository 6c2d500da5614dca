package dev.pimflow.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.workflow.support.EndToEndTestBase;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DESIGN §6.6 and §6.2: a revocation keeps retrying through a PIM outage and completes when PIM returns. The outage
 * is compressed: production retries every minute for a week (pim.retry.revoke R10080/PT1M); the test retries every
 * second (R100/PT1S) through a 15-second outage, about the same number of attempts as 10 minutes in production.
 */
class RevocationRetriesThroughAPimOutageTest extends EndToEndTestBase {
    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    ManagementService management;
    @Autowired
    RuntimeService runtime;
    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void clearFaults() throws Exception {
        control("DELETE", null);
    }

    @Test
    void revocationKeepsRetryingThroughAnOutageAndCompletesWhenPimReturns() throws Exception {
        String ticket = "CONTOSO:Outage-1";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = awaitChallenge(ticket).path("data");
        String activationId = challenge.path("activationId").asText();
        String challengeId = challenge.path("challengeId").asText();
        tickets.respondToChallenge(challengeId, gateway.sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
        awaitStatus(activationId, "active");
        String processInstanceId = jdbc.queryForObject("SELECT process_instance_id FROM activation WHERE id = ?", String.class, activationId);

        // PIM goes down: every assignment request answers 503
        control("POST", "{\"status\":503,\"count\":-1,\"pathContains\":\"roleAssignmentScheduleRequests\",\"method\":\"POST\"}");
        Instant outageStart = Instant.now();
        tickets.closeTicket(ticket);

        // the revocation job fails and is retried, again and again, without becoming an incident
        await().atMost(WAIT).until(() -> revokeJob(processInstanceId) != null && revokeJob(processInstanceId).getRetries() <= 97);
        while (Duration.between(outageStart, Instant.now()).compareTo(Duration.ofSeconds(15)) < 0) {
            assertThat(runtime.createIncidentQuery().processInstanceId(processInstanceId).count()).isZero();
            assertThat(jdbc.queryForObject("SELECT status FROM activation WHERE id = ?", String.class, activationId)).isEqualTo("active");
            Thread.sleep(500);
        }
        Job failing = revokeJob(processInstanceId);
        assertThat(failing.getExceptionMessage()).contains("Revoke role in PIM").contains("503");
        assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);

        // PIM is back: the next attempt revokes
        control("DELETE", null);
        JsonNode revoked = awaitRevoked(activationId).path("data");
        assertThat(revoked.path("reason").asText()).isEqualTo("ticket-closed");
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        assertThat(runtime.createIncidentQuery().processInstanceId(processInstanceId).count()).isZero();
    }

    private Job revokeJob(String processInstanceId) {
        return management.createJobQuery().processInstanceId(processInstanceId).activityId("Task_RevokeRole").singleResult();
    }

    private void control(String method, String body) throws Exception {
        String url = simulator.baseUrl().replace("/v1.0", "") + "/_simulator/faults";
        http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
