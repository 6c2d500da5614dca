package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static dev.pimflow.workflow.support.TopicWatcher.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.mfa.ApprovalAssertionSigner;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.support.EndToEndTestBase;
import dev.pimflow.workflow.support.TopicWatcher;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * DESIGN §4 {@code approval.decision}, §6.1: a decision on {@code pim.approvals.decisions} moves an approval stage only
 * when it is signed with the MFA gateway's keys, for that stage, by one of its approvers, and used once. Everything
 * else changes nothing, is audited and reaches {@code pim.approvals.decisions.dlt} with its reason.
 */
class ApprovalDecisionsOnKafkaAreSignedAndUsedOnceTest extends EndToEndTestBase {
    static final String DECISIONS = "pim.approvals.decisions";
    static final String DLT = DECISIONS + ".dlt";
    /** The simulator's seeded approval role and its approver (Contoso tenant). */
    static final String PRIVILEGED_AUTHENTICATION_ADMINISTRATOR = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";

    static final String NORA = "5b0c7e2a-8d4f-4a61-b3e9-7f2c1d6a9e40";

    private final ApprovalAssertionSigner approverGateway = new ApprovalAssertionSigner(DEV_SECRET, Clock.systemUTC());
    private final ObjectMapper json = new ObjectMapper();
    private TopicWatcher approvalTopics;

    @Autowired
    private Approvals approvals;

    @BeforeAll
    void watchTheApprovalTopics() {
        approvalTopics = new TopicWatcher(bootstrapServers(), List.of("pim.approvals", DLT));
    }

    @AfterAll
    void stopWatching() throws InterruptedException {
        if (approvalTopics != null) {
            approvalTopics.close();
        }
    }

    @Test
    void aDecisionForNoKnownApprovalOrUnderAnotherKeyIsDeadLetteredAndAuditedWithinTheBound() {
        String unknownApproval = UUID.randomUUID().toString();
        String unknown = sendDecision(
                unknownApproval, approverGateway.sign(NORA, unknownApproval, true, "ok", Duration.ofMinutes(2)));
        assertThat(awaitDeadLetter(unknown)).isEqualTo("data.approvalId: unknown approval");

        String keyed = UUID.randomUUID().toString();
        ObjectNode data = json.createObjectNode()
                .put("approvalId", keyed)
                .put("assertion", approverGateway.sign(NORA, keyed, true, "ok", Duration.ofMinutes(2)));
        String wrongKey = tickets.send(DECISIONS, UUID.randomUUID().toString(), EventTypes.APPROVAL_DECISION, data);
        assertThat(awaitDeadLetter(wrongKey)).isEqualTo("key: must be the approval id of the data");

        // neither names a stage: system records, counted against pim.inbound.rejection-audit-limit
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(chainedAudit(AuditEntry.NO_ACTIVATION).stream()
                                .filter(r -> AuditAction.APPROVAL_REJECTED.is(r.action()))
                                .filter(r -> Set.of(unknownApproval, keyed)
                                        .contains(r.details().get("approvalId"))))
                        .extracting(AuditRecord::actor)
                        .containsExactlyInAnyOrder("approval-gateway", "approval-gateway"));
    }

    @Test
    void onlyAValidDecisionOfAnApproverOfTheStageMovesItAndOnlyOnce() {
        String ticket = "Approval-Kafka-1";
        ObjectNode request = tickets.activationRequest(ticket, ALINE, "PT1H");
        request.put("roleDefinitionId", PRIVILEGED_AUTHENTICATION_ADMINISTRATOR);
        tickets.send("tickets.events", "Contoso ICM:" + ticket, EventTypes.TICKET_ACTIVATION_REQUESTED, request);
        // without the seeded approval role (and Aline's eligibility for it) the request is denied at validation
        await().atMost(WAIT)
                .until(() -> !topics.events(
                                "pim.activations",
                                e -> ticket.equals(e.path("data")
                                                .path("ticketNumber")
                                                .asText())
                                        && Set.of(Status.PENDING_MFA.wire(), Status.DENIED.wire())
                                                .contains(e.path("data")
                                                        .path("status")
                                                        .asText()))
                        .isEmpty());
        Assumptions.assumeTrue(
                topics.events(
                                        "pim.mfa.challenges",
                                        e -> ticket.equals(e.path("data")
                                                .path("ticketNumber")
                                                .asText()))
                                .size()
                        == 1,
                "the Graph simulator has no seeded approval role (Privileged Authentication Administrator, approver"
                        + " Nora Lindqvist) that Aline may activate: the request was denied");
        JsonNode challenge = awaitChallenge(ticket).path("data");
        String activationId = challenge.path("activationId").asText();
        String challengeId = challenge.path("challengeId").asText();
        tickets.respondToChallenge(challengeId, gateway.sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
        awaitStatus(activationId, Status.PENDING_APPROVAL);

        JsonNode asked = approvalTopics
                .awaitEvent(
                        "pim.approvals",
                        WAIT,
                        e -> activationId.equals(
                                e.path("data").path("activationId").asText()))
                .path("data");
        String approvalId = asked.path("approvalId").asText();
        assertThat(asked.path("approvers").toString()).contains(NORA);

        // forged: Nora's decision signed with another key
        String forged = sendDecision(
                approvalId,
                new ApprovalAssertionSigner("an-attacker-secret-that-is-long-enough-0123", Clock.systemUTC())
                        .sign(NORA, approvalId, true, "forged", Duration.ofMinutes(2)));
        assertThat(awaitDeadLetter(forged)).startsWith("data.assertion: assertion rejected");
        // validly signed, but by someone who is not an approver of the stage, or by the requester
        String bob = sendDecision(approvalId, approverGateway.sign(BOB, approvalId, true, "me", Duration.ofMinutes(2)));
        assertThat(awaitDeadLetter(bob))
                .isEqualTo("data.assertion: approver: " + BOB + " is not one of the approvers of stage 1/1");
        String own =
                sendDecision(approvalId, approverGateway.sign(ALINE, approvalId, true, "me", Duration.ofMinutes(2)));
        assertThat(awaitDeadLetter(own)).contains("the requester never approves their own request");
        // none changed anything
        assertThat(approvals.find(approvalId).orElseThrow().pending()).isTrue();
        assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_APPROVAL.wire());
        assertThat(activeRoles(ALINE)).doesNotContain(PRIVILEGED_AUTHENTICATION_ADMINISTRATOR);
        List<AuditRecord> rejected = chainedAudit(activationId).stream()
                .filter(r -> AuditAction.APPROVAL_REJECTED.is(r.action()))
                .toList();
        assertThat(rejected).extracting(AuditRecord::actor).containsExactly("approval-gateway", BOB, ALINE);
        assertThat(rejected).allSatisfy(r -> assertThat(r.details()).containsEntry("channel", "kafka"));

        // Nora's signed approval moves the stage and the activation; the same assertion again is refused
        String approval =
                approverGateway.sign(NORA, approvalId, true, "Checked with the ticket's owner.", Duration.ofMinutes(2));
        sendDecision(approvalId, approval);
        awaitStatus(activationId, Status.ACTIVE);
        Approvals.Approval decided = approvals.find(approvalId).orElseThrow();
        assertThat(decided.status()).isEqualTo(Approvals.APPROVED);
        assertThat(decided.decidedBy()).isEqualTo(NORA);
        String replay = sendDecision(approvalId, approval);
        assertThat(awaitDeadLetter(replay)).isEqualTo("data.assertion: assertion already used");
        List<AuditRecord> records = chainedAudit(activationId);
        assertThat(records.stream().filter(r -> AuditAction.APPROVAL_APPROVED.is(r.action())))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.actor()).isEqualTo(NORA);
                    assertThat(r.details()).containsEntry("channel", "kafka").containsKey("assertionId");
                });
        assertThat(records.get(records.size() - 1).details()).containsEntry("reason", "assertion already used");

        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
    }

    /** Publishes an approval.decision as the approver's gateway would, keyed by the approval id; returns its event id. */
    private String sendDecision(String approvalId, String assertion) {
        ObjectNode data = json.createObjectNode().put("approvalId", approvalId).put("assertion", assertion);
        return tickets.send(DECISIONS, approvalId, EventTypes.APPROVAL_DECISION, data);
    }

    /** Waits for the dead letter of the decision whose event id is the marker; returns its reason header. */
    private String awaitDeadLetter(String eventId) {
        ConsumerRecord<String, byte[]> dead = approvalTopics.awaitRecord(
                DLT, WAIT, r -> new String(r.value(), StandardCharsets.UTF_8).contains(eventId));
        return header(dead, "pim-dlt-reason");
    }
}
