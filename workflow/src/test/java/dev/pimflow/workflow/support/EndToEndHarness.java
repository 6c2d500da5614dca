package dev.pimflow.workflow.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.Status;
import dev.pimflow.mfa.MfaAssertionSigner;
import java.time.Duration;
import java.util.List;

/**
 * What an end-to-end scenario needs from its harness, whichever runs the orchestrator (the embedded broker of
 * {@link EndToEndTestBase} or the containers of {@link ContainersEndToEndTestBase}): each harness provides the ticket
 * system, the topic watcher, the MFA gateway, the audit trail, its patience and the simulator's view of a principal's
 * roles; the waits on the outbound topics are written once here. A scenario written as an interface with default test
 * methods (see {@code SeedStoryScenarios}) then runs on both.
 */
public interface EndToEndHarness {
    TicketSystem tickets();

    TopicWatcher topics();

    MfaAssertionSigner gateway();

    AuditTrail audit();

    /** How long to wait for anything to happen. */
    Duration waitTime();

    /** Role template ids the principal holds active, as the Graph simulator answers {@code GET roleAssignments}. */
    List<String> activeRoles(String principalId);

    default JsonNode awaitChallenge(String ticketNumber) {
        return topics().awaitEvent(
                        "pim.mfa.challenges",
                        waitTime(),
                        e -> ticketNumber.equals(
                                e.path("data").path("ticketNumber").asText()));
    }

    default JsonNode awaitStatus(String activationId, Status status) {
        return topics().awaitEvent(
                        "pim.activations",
                        waitTime(),
                        e -> activationId.equals(
                                        e.path("data").path("activationId").asText())
                                && status.is(e.path("data").path("status").asText()));
    }

    default JsonNode awaitStatusOfTicket(String ticketNumber, Status status) {
        return topics().awaitEvent(
                        "pim.activations",
                        waitTime(),
                        e -> ticketNumber.equals(
                                        e.path("data").path("ticketNumber").asText())
                                && status.is(e.path("data").path("status").asText()));
    }

    default JsonNode awaitRevoked(String activationId) {
        return topics().awaitEvent(
                        "pim.revocations",
                        waitTime(),
                        e -> activationId.equals(
                                e.path("data").path("activationId").asText()));
    }

    /** Requests an activation for Aline on the ticket and approves its MFA challenge; returns the activation id. */
    default String requestAndApprove(String ticket, String duration) {
        tickets().requestActivation(ticket, TicketSystem.ALINE, duration);
        JsonNode challenge = awaitChallenge(ticket).path("data");
        String challengeId = challenge.path("challengeId").asText();
        tickets()
                .respondToChallenge(
                        challengeId, gateway().sign(TicketSystem.ALINE, challengeId, true, Duration.ofMinutes(2)));
        return challenge.path("activationId").asText();
    }

    /** The activation's audit records, once the chainer has linked every record its committed steps wrote (ADR 0003). */
    default List<AuditRecord> chainedAudit(String activationId) {
        await().atMost(waitTime()).until(() -> audit().pendingFor(activationId) == 0);
        return audit().forActivation(activationId);
    }

    /** Waits until no audit record is waiting for the chainer. */
    default void awaitAuditChained() {
        await().atMost(waitTime()).until(() -> audit().pendingCount() == 0);
    }

    /** The whole audit chain verifies. */
    default boolean auditIntact() {
        return audit().verify().intact();
    }
}
