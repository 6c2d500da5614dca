package dev.pimflow.workflow;

import static dev.pimflow.contracts.WireValue.wires;
import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.EndToEndHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tutorial's story over a real broker: Aline, eligible for User Administrator through "IT Helpdesk (User)", asks
 * for five hours on ticket CONTOSO:Security-012345, approves the MFA challenge, gets the role, and loses it when the
 * ticket closes (or when the time runs out); the audit chain stays intact. Written once, run by every harness that
 * implements it ({@link SeedStoryEndToEndTest}, {@link SeedStoryOnPostgresTest}, {@link SeedStoryOnContainersTest}).
 */
interface SeedStoryScenarios extends EndToEndHarness {

    @Test
    default void ticketClosureRevokesTheActivationBeforeItsEnd() throws Exception {
        String ticket = "CONTOSO:Security-012345";
        tickets().requestActivation(ticket, ALINE, "PT5H");

        JsonNode challenge = awaitChallenge(ticket);
        String activationId = challenge.path("data").path("activationId").asText();
        assertThat(challenge.path("data").path("principalId").asText()).isEqualTo(ALINE);
        assertThat(challenge.path("data").path("roleDisplayName").asText()).isEqualTo("User Administrator");
        awaitStatus(activationId, Status.PENDING_MFA);

        String challengeId = challenge.path("data").path("challengeId").asText();
        tickets().respondToChallenge(challengeId, gateway().sign(ALINE, challengeId, true, Duration.ofMinutes(2)));

        JsonNode active = awaitStatus(activationId, Status.ACTIVE).path("data");
        Instant start = Instant.parse(active.path("startDateTime").asText());
        Instant end = Instant.parse(active.path("endDateTime").asText());
        assertThat(Duration.between(start, end)).isEqualTo(Duration.ofHours(5));
        assertThat(active.path("pimRequestId").asText()).isNotBlank();
        assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);

        tickets().closeTicket(ticket);

        JsonNode revoked = awaitRevoked(activationId).path("data");
        assertThat(revoked.path("reason").asText()).isEqualTo(Reason.TICKET_CLOSED.wire());
        assertThat(revoked.path("principalId").asText()).isEqualTo(ALINE);
        awaitStatus(activationId, Status.REVOKED);
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);

        assertAuditTrail(
                activationId,
                wires(
                        AuditAction.REQUESTED,
                        AuditAction.VALIDATED,
                        AuditAction.MFA_CHALLENGED,
                        AuditAction.MFA_APPROVED,
                        AuditAction.ACTIVATED,
                        AuditAction.REVOKE_REQUESTED,
                        AuditAction.REVOKED));
    }

    @Test
    default void endOfDurationRevokesTheActivation() throws Exception {
        String activationId = requestAndApprove("CONTOSO:Security-012399", "PT3S");

        JsonNode active = awaitStatus(activationId, Status.ACTIVE).path("data");
        assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);
        Instant end = Instant.parse(active.path("endDateTime").asText());

        JsonNode revoked = awaitRevoked(activationId).path("data");
        assertThat(revoked.path("reason").asText()).isEqualTo(Reason.EXPIRED.wire());
        Instant revokedAt = Instant.parse(revoked.path("revokedAt").asText());
        assertThat(revokedAt).isAfterOrEqualTo(end.minusMillis(1));
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);

        assertAuditTrail(
                activationId,
                wires(
                        AuditAction.REQUESTED,
                        AuditAction.VALIDATED,
                        AuditAction.MFA_CHALLENGED,
                        AuditAction.MFA_APPROVED,
                        AuditAction.ACTIVATED,
                        AuditAction.REVOKED));
    }

    private void assertAuditTrail(String activationId, List<String> actions) {
        List<AuditRecord> records = chainedAudit(activationId);
        assertThat(records).extracting(AuditRecord::action).containsExactlyElementsOf(actions);
        assertThat(auditIntact()).isTrue();
        // every record is also published to pim.audit, from the chain (ADR 0004)
        await().atMost(waitTime())
                .until(
                        () -> topics().events(
                                        "pim.audit",
                                        e -> activationId.equals(e.path("data")
                                                .path("activationId")
                                                .asText()))
                                .size(),
                        n -> n == actions.size());
    }
}
