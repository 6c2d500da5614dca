package dev.pimflow.workflow.it;

import static dev.pimflow.contracts.WireValue.wires;
import static dev.pimflow.workflow.it.ItEnvironment.data;
import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DESIGN §6.2 "every activation that became active is revoked by its end time, or promptly after its ticket closes,
 * even across crashes and restarts": the packaged orchestrator runs as a separate JVM and is killed with
 * {@code kill -9} at a chosen point, then started again on the same database; the broker and the Graph simulator
 * (in this JVM) live on. Each test shows the revocation still happens, once, and its events still go out (§6.3).
 */
@ExtendWith(ItDiagnostics.class)
class RevocationSurvivesCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> CLOSED_TRAIL = wires(
            AuditAction.REQUESTED,
            AuditAction.VALIDATED,
            AuditAction.MFA_CHALLENGED,
            AuditAction.MFA_APPROVED,
            AuditAction.ACTIVATED,
            AuditAction.REVOKE_REQUESTED,
            AuditAction.REVOKED);
    private static final List<String> EXPIRED_TRAIL = wires(
            AuditAction.REQUESTED,
            AuditAction.VALIDATED,
            AuditAction.MFA_CHALLENGED,
            AuditAction.MFA_APPROVED,
            AuditAction.ACTIVATED,
            AuditAction.REVOKED);

    private ItEnvironment env;

    @BeforeEach
    void startEnvironment(TestInfo test) {
        env = ItEnvironment.start(test);
    }

    @AfterEach
    void stopEnvironment() {
        env.close();
    }

    /** Kill point 1: right after the activation committed ({@code active} seen on the topic); the closure comes after the restart. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ItDatabase.Kind.class)
    void killedRightAfterActivation_closureAfterRestartRevokes(ItDatabase.Kind kind) {
        ItDatabase db = env.database(ItDatabase.create(kind, env.dir));
        JarNode node = env.node("node-" + kind.name().toLowerCase(), db).startAndAwaitReady();
        String ticket = "CONTOSO:Crash-after-active-" + kind;
        String activationId = env.requestAndApprove(ticket, ALINE, USER_ADMINISTRATOR, "PT1H", WAIT);
        env.awaitStatus(activationId, Status.ACTIVE, WAIT);

        node.kill();
        assertThat(env.activeRoles(ALINE))
                .as("the assignment outlives the orchestrator")
                .contains(USER_ADMINISTRATOR);

        node.startAndAwaitReady();
        env.tickets.closeTicket(ticket);

        JsonNode revoked = env.awaitRevoked(activationId, WAIT);
        assertThat(data(revoked, "reason")).isEqualTo(Reason.TICKET_CLOSED.wire());
        env.awaitStatus(activationId, Status.REVOKED, WAIT);
        assertThat(env.activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        env.assertOneFactEach(activationId, Status.PENDING_MFA, Status.ACTIVE, Status.REVOKED);
        assertThat(node.auditActions(activationId)).containsExactlyElementsOf(CLOSED_TRAIL);
        assertThat(node.verifyAudit().path("intact").asBoolean())
                .as("audit chain intact")
                .isTrue();
        env.awaitAuditPublished(node, activationId, WAIT);
    }

    /** Kill point 2: the end-of-duration timer becomes due while no orchestrator runs; the restarted one revokes as {@code expired}. */
    @Test
    void killedBeforeTheEndOfDuration_restartAfterItRevokesAsExpired() {
        ItDatabase db = env.database(ItDatabase.h2(env.dir));
        JarNode node = env.node("node", db).startAndAwaitReady();
        String ticket = "CONTOSO:Crash-expiry";
        String activationId = env.requestAndApprove(ticket, ALINE, USER_ADMINISTRATOR, "PT8S", WAIT);
        JsonNode active = env.awaitStatus(activationId, Status.ACTIVE, WAIT);
        Instant end = Instant.parse(data(active, "endDateTime"));

        node.kill();
        assertThat(Instant.now()).as("killed before the end of the duration").isBefore(end);
        assertThat(env.eventsOf("pim.revocations", activationId, e -> true))
                .as("not revoked before the kill")
                .isEmpty();

        // the timer falls due while nobody runs
        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(end.plusSeconds(1)));
        node.startAndAwaitReady();

        JsonNode revoked = env.awaitRevoked(activationId, WAIT);
        assertThat(data(revoked, "reason")).isEqualTo(Reason.EXPIRED.wire());
        assertThat(Instant.parse(data(revoked, "revokedAt"))).isAfterOrEqualTo(end);
        env.awaitStatus(activationId, Status.REVOKED, WAIT);
        assertThat(env.activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        env.assertOneFactEach(activationId, Status.PENDING_MFA, Status.ACTIVE, Status.REVOKED);
        assertThat(node.auditActions(activationId)).containsExactlyElementsOf(EXPIRED_TRAIL);
        assertThat(node.verifyAudit().path("intact").asBoolean())
                .as("audit chain intact")
                .isTrue();
        env.awaitAuditPublished(node, activationId, WAIT);
    }

    /**
     * Kill point 3: during the revocation. PIM answers the {@code adminRemove} slowly (15 s); the node dies while the call
     * is in flight, so the revoke job neither finished nor committed. The restarted node takes the job over once its
     * lock expires and revokes: one revocation on the topics, the assignment gone from PIM, whichever of the two
     * remove calls PIM applied first.
     */
    @Test
    void killedWhileTheRemoveCallIsInFlight_restartRevokesExactlyOnce() {
        ItDatabase db = env.database(ItDatabase.h2(env.dir));
        JarNode node = env.node("node", db).startAndAwaitReady();
        String ticket = "CONTOSO:Crash-during-revoke";
        String activationId = env.requestAndApprove(ticket, ALINE, USER_ADMINISTRATOR, "PT1H", WAIT);
        env.awaitStatus(activationId, Status.ACTIVE, WAIT);

        env.armFault("""
                {"status":0,"delayMillis":15000,"count":1,"pathContains":"roleAssignmentScheduleRequests","method":"POST"}""");
        env.tickets.closeTicket(ticket);
        // the fault is used up when the remove call reaches PIM: from then on the call is in flight for 15 s
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> env.armedFaults() == 0);
        Instant removeArrived = Instant.now();
        node.kill();
        assertThat(env.eventsOf("pim.revocations", activationId, e -> true))
                .as("not revoked before the kill")
                .isEmpty();
        assertThat(env.activeRoles(ALINE))
                .as("the slow remove has not been applied yet")
                .contains(USER_ADMINISTRATOR);

        node.startAndAwaitReady();
        JsonNode revoked = env.awaitRevoked(activationId, WAIT);
        assertThat(data(revoked, "reason")).isEqualTo(Reason.TICKET_CLOSED.wire());
        env.awaitStatus(activationId, Status.REVOKED, WAIT);

        // let the killed node's remove call run its course in PIM before judging "once"
        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(removeArrived.plusSeconds(16)));
        assertThat(env.activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        env.assertOneFactEach(activationId, Status.PENDING_MFA, Status.ACTIVE, Status.REVOKED);
        List<String> trail = node.auditActions(activationId);
        assertThat(trail).containsExactlyElementsOf(CLOSED_TRAIL);
        JsonNode revokedRecord = node.activation(activationId).path("audit").get(trail.size() - 1);
        System.out.printf("[it] revocation after the crash: %s%n", revokedRecord.path("details"));
        assertThat(node.verifyAudit().path("intact").asBoolean())
                .as("audit chain intact")
                .isTrue();
        env.awaitAuditPublished(node, activationId, WAIT);
    }
}
