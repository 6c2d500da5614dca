package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.time.Duration;
import java.time.Instant;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * DESIGN §6.6 and §6.2: a revocation keeps retrying through a PIM outage and completes when PIM returns. The outage
 * is compressed: production retries every minute for a week (pim.retry.revoke R10080/PT1M); the test retries every
 * second (R100/PT1S) through a 15-second outage, about the same number of attempts as 10 minutes in production.
 */
class RevocationRetriesThroughAPimOutageTest extends EndToEndTestBase {
    @Autowired
    ManagementService management;

    @Autowired
    RuntimeService runtime;

    @AfterEach
    void clearFaults() throws Exception {
        simulatorControl("DELETE", "/faults", null);
    }

    @Test
    void revocationKeepsRetryingThroughAnOutageAndCompletesWhenPimReturns() throws Exception {
        String ticket = "CONTOSO:Outage-1";
        String activationId = requestAndApprove(ticket, "PT1H");
        awaitStatus(activationId, Status.ACTIVE);
        String processInstanceId = instanceOf(activationId);

        // PIM goes down: every assignment request answers 503
        simulatorControl(
                "POST",
                "/faults",
                "{\"status\":503,\"count\":-1,\"pathContains\":\"roleAssignmentScheduleRequests\",\"method\":\"POST\"}");
        Instant outageStart = Instant.now();
        tickets.closeTicket(ticket);

        // the revocation job fails and is retried, again and again, without becoming an incident
        await().atMost(WAIT)
                .until(() -> revokeJob(processInstanceId) != null
                        && revokeJob(processInstanceId).getRetries() <= 97);
        while (Duration.between(outageStart, Instant.now()).compareTo(Duration.ofSeconds(15)) < 0) {
            assertThat(runtime.createIncidentQuery()
                            .processInstanceId(processInstanceId)
                            .count())
                    .isZero();
            assertThat(statusOf(activationId)).isEqualTo(Status.ACTIVE.wire());
            Thread.sleep(500);
        }
        Job failing = revokeJob(processInstanceId);
        assertThat(failing.getExceptionMessage()).contains("Revoke role in PIM").contains("503");
        assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);

        // PIM is back: the next attempt revokes
        simulatorControl("DELETE", "/faults", null);
        JsonNode revoked = awaitRevoked(activationId).path("data");
        assertThat(revoked.path("reason").asText()).isEqualTo(Reason.TICKET_CLOSED.wire());
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        assertThat(runtime.createIncidentQuery()
                        .processInstanceId(processInstanceId)
                        .count())
                .isZero();
    }

    private Job revokeJob(String processInstanceId) {
        return management
                .createJobQuery()
                .processInstanceId(processInstanceId)
                .activityId("Task_RevokeRole")
                .singleResult();
    }
}
