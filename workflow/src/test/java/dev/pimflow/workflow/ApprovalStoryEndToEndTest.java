package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.workflow.support.Approvers;
import dev.pimflow.workflow.support.EndToEndTestBase;
import dev.pimflow.workflow.support.HttpAsUser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 15 end to end over a real broker: a role whose PIM policy requires approval (the simulator's Privileged
 * Authentication Administrator, one stage, approver Nora) is activated after the person's MFA and the approver's
 * decision, made in Tasklist through its REST API as an approver would; every way around the rules (the requester, an
 * outsider, no justification, a second decision, extra variables on the task) is refused and audited; a stage nobody
 * decides in time, and a ticket closed while waiting, end the request. The approved story goes on: the ticket asks for
 * an hour more ({@code ticket.extension-requested}), the person confirms with MFA again, Nora approves again in
 * Tasklist, PIM moves the end; after the ticket's closure a further extension is refused with its reason.
 */
class ApprovalStoryEndToEndTest extends EndToEndTestBase {
    static final String APPROVAL_ROLE = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";
    static final String NORA = "5b0c7e2a-8d4f-4a61-b3e9-7f2c1d6a9e40";
    private static final String PASSWORD = "approver-password-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    IdentityService identity;

    private HttpAsUser nora;
    private HttpAsUser aline;
    private HttpAsUser bob;

    @BeforeAll
    void approverLogins() {
        nora = login("NoraL@" + TutorialTenant.DOMAIN);
        aline = login(TutorialTenant.ALINE_UPN);
        bob = login("BobK@" + TutorialTenant.DOMAIN);
    }

    @Test
    void approvedInTasklistTheRoleIsActiveUntilTheTicketCloses() throws Exception {
        String ticket = "CONTOSO:Approval-" + UUID.randomUUID().toString().substring(0, 6);
        String activationId = requestWithMfa(ticket);
        JsonNode requested = awaitApprovalRequested(activationId);
        assertThat(requested.path("approvers")).extracting(JsonNode::asText).containsExactly(NORA);
        assertThat(requested.path("approverJustificationRequired").asBoolean()).isTrue();
        awaitStatus(activationId, Status.PENDING_APPROVAL);
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);

        String task = taskOf(ticket, nora);
        HttpResponse<String> completed = nora.send("POST", "/engine-rest/task/" + task + "/complete", """
                {"variables": {"approved": {"value": true},
                               "approverJustification": {"value": "Security-012345 needs it"}}}""");
        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(204);

        java.time.Instant firstEnd = java.time.Instant.parse(awaitStatus(activationId, Status.ACTIVE)
                .path("data")
                .path("endDateTime")
                .asText());
        assertThat(activeRoles(ALINE)).contains(APPROVAL_ROLE);
        List<AuditRecord> trail = chainedAudit(activationId);
        AuditRecord decision = trail.stream()
                .filter(r -> AuditAction.APPROVAL_APPROVED.is(r.action()))
                .findFirst()
                .orElseThrow();
        assertThat(decision.actor()).isEqualTo(NORA);
        assertThat(decision.details())
                .containsEntry("channel", "tasklist")
                .containsEntry("justification", "Security-012345 needs it");

        // the incident runs long: the ticket system asks for an hour more; MFA again, Nora again (the policy's
        // isApprovalRequiredForExtension), then PIM moves the end
        String firstChallenge =
                awaitChallenge(ticket).path("data").path("challengeId").asText();
        ObjectNode more = JSON.createObjectNode()
                .put("ticketSystem", CONTOSO_ICM)
                .put("ticketNumber", ticket)
                .put("activationId", activationId)
                .put("duration", "PT1H")
                .put("justification", "Still invalidating tokens");
        tickets.send("tickets.events", CONTOSO_ICM + ":" + ticket, EventTypes.TICKET_EXTENSION_REQUESTED, more);
        JsonNode again = topics.awaitEvent(
                        "pim.mfa.challenges",
                        WAIT,
                        e -> ticket.equals(e.path("data").path("ticketNumber").asText())
                                && !firstChallenge.equals(
                                        e.path("data").path("challengeId").asText()))
                .path("data");
        String challengeId = again.path("challengeId").asText();
        tickets.respondToChallenge(challengeId, gateway.sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
        JsonNode extensionStage = topics.awaitEvent(
                        "pim.approvals",
                        WAIT,
                        e -> activationId.equals(
                                        e.path("data").path("activationId").asText())
                                && "extension"
                                        .equals(e.path("data").path("purpose").asText()))
                .path("data");
        assertThat(extensionStage.path("duration").asText()).isEqualTo("PT1H");
        String extensionTask = taskOf(ticket, nora);
        assertThat(nora.send("POST", "/engine-rest/task/" + extensionTask + "/complete", """
                                {"variables": {"approved": {"value": true},
                                               "approverJustification": {"value": "one more hour"}}}""")
                        .statusCode())
                .isEqualTo(204);
        JsonNode extended = topics.awaitEvent(
                        "pim.activations",
                        WAIT,
                        e -> EventTypes.ACTIVATION_EXTENSION.equals(
                                        e.path("type").asText())
                                && activationId.equals(
                                        e.path("data").path("activationId").asText())
                                && "extended"
                                        .equals(e.path("data").path("status").asText()))
                .path("data");
        java.time.Instant newEnd =
                java.time.Instant.parse(extended.path("endDateTime").asText());
        assertThat(Duration.between(firstEnd, newEnd).toMinutes()).isBetween(59L, 60L);
        assertThat(chainedAudit(activationId))
                .extracting(AuditRecord::action)
                .containsSubsequence(
                        AuditAction.ACTIVATED.wire(),
                        AuditAction.EXTENSION_REQUESTED.wire(),
                        AuditAction.MFA_APPROVED.wire(),
                        AuditAction.APPROVAL_APPROVED.wire(),
                        AuditAction.EXTENDED.wire());

        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);

        // once the ticket is closed, more time is refused with the reason, and announced
        tickets.send("tickets.events", CONTOSO_ICM + ":" + ticket, EventTypes.TICKET_EXTENSION_REQUESTED, more);
        JsonNode refused = topics.awaitEvent(
                        "pim.activations",
                        WAIT,
                        e -> EventTypes.ACTIVATION_EXTENSION.equals(
                                        e.path("type").asText())
                                && activationId.equals(
                                        e.path("data").path("activationId").asText())
                                && "refused"
                                        .equals(e.path("data").path("status").asText()))
                .path("data");
        assertThat(refused.path("reason").asText()).isEqualTo("ticket-closed");
        assertThat(auditIntact()).isTrue();
    }

    @Test
    void theRequesterAnOutsiderNoJustificationExtraVariablesAndASecondDecisionAreRefusedAndAudited() throws Exception {
        String ticket = "CONTOSO:Approval-" + UUID.randomUUID().toString().substring(0, 6);
        String activationId = requestWithMfa(ticket);
        String approvalId =
                awaitApprovalRequested(activationId).path("approvalId").asText();
        String task = taskOf(ticket, nora);
        // an approver lists the stages it may decide; Bob, an approver of none, does not see this one
        assertThat(JSON.readTree(nora.get("/api/approvals").body()))
                .extracting(n -> n.path("approvalId").asText())
                .contains(approvalId);
        assertThat(JSON.readTree(bob.get("/api/approvals").body()))
                .extracting(n -> n.path("approvalId").asText())
                .doesNotContain(approvalId);

        assertThat(decide(aline, approvalId, "approve", "it is me").statusCode())
                .isEqualTo(403);
        assertThat(decide(bob, approvalId, "approve", "why not").statusCode()).isEqualTo(403);
        assertThat(decide(nora, approvalId, "approve", null).statusCode()).isEqualTo(400);
        // the requester through Tasklist
        HttpResponse<String> own = aline.send("POST", "/engine-rest/task/" + task + "/complete", """
                {"variables": {"approved": {"value": true}, "approverJustification": {"value": "mine"}}}""");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(403);
        // a completion that would also set a process variable (the revocation's date)
        HttpResponse<String> extra = nora.send("POST", "/engine-rest/task/" + task + "/complete", """
                {"variables": {"approved": {"value": true}, "approverJustification": {"value": "ok"},
                               "endDateTime": {"value": "2099-01-01T00:00:00.000+0000", "type": "Date"}}}""");
        assertThat(extra.statusCode()).as(extra.body()).isEqualTo(403);
        assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_APPROVAL.wire());

        HttpResponse<String> approved = decide(nora, approvalId, "approve", "seen the incident");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(JSON.readTree(approved.body()).path("decidedBy").asText()).isEqualTo(NORA);
        HttpResponse<String> twice = decide(nora, approvalId, "deny", "changed my mind");
        assertThat(twice.statusCode()).as(twice.body()).isEqualTo(409);

        awaitStatus(activationId, Status.ACTIVE);
        List<AuditRecord> trail = chainedAudit(activationId);
        assertThat(trail.stream().filter(r -> AuditAction.APPROVAL_REJECTED.is(r.action())))
                .extracting(r -> String.valueOf(r.details().get("channel")))
                .containsExactly("api", "api", "api", "tasklist", "api");
        assertThat(trail.stream().filter(r -> AuditAction.APPROVAL_APPROVED.is(r.action())))
                .hasSize(1);
        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
    }

    @Test
    void aStageNobodyDecidesInTimeDeniesTheRequest() {
        String ticket = "CONTOSO:Approval-" + UUID.randomUUID().toString().substring(0, 6);
        String activationId = requestWithMfa(ticket);
        awaitApprovalRequested(activationId);
        // pim.approvals.time-scale makes the policy's one day a few seconds in the tests
        JsonNode denied = topics.awaitEvent(
                "pim.activations",
                Duration.ofSeconds(120),
                e -> activationId.equals(e.path("data").path("activationId").asText())
                        && Status.DENIED.is(e.path("data").path("status").asText()));
        assertThat(denied.path("data").path("reason").asText()).isEqualTo(Reason.APPROVAL_TIMEOUT.wire());
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);
    }

    @Test
    void aTicketClosedWhileWaitingForApprovalCancelsTheRequest() throws Exception {
        String ticket = "CONTOSO:Approval-" + UUID.randomUUID().toString().substring(0, 6);
        String activationId = requestWithMfa(ticket);
        String approvalId =
                awaitApprovalRequested(activationId).path("approvalId").asText();
        tickets.closeTicket(ticket);
        awaitStatus(activationId, Status.CANCELLED);
        HttpResponse<String> late = decide(nora, approvalId, "approve", "too late");
        assertThat(late.statusCode()).as(late.body()).isEqualTo(409);
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private String requestWithMfa(String ticket) {
        ObjectNode data = tickets.activationRequest(ticket, ALINE, "PT1H");
        data.put("roleDefinitionId", APPROVAL_ROLE);
        tickets.send("tickets.events", CONTOSO_ICM + ":" + ticket, EventTypes.TICKET_ACTIVATION_REQUESTED, data);
        JsonNode challenge = awaitChallenge(ticket).path("data");
        String challengeId = challenge.path("challengeId").asText();
        tickets.respondToChallenge(challengeId, gateway.sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
        return challenge.path("activationId").asText();
    }

    private JsonNode awaitApprovalRequested(String activationId) {
        return Approvers.awaitApprovalRequested(topics, activationId, WAIT);
    }

    /** The stage's task as the approver finds it in Tasklist (engine REST), by the ticket number. */
    private String taskOf(String ticket, HttpAsUser approver) {
        return Approvers.taskOf(ticket, approver, "/engine-rest", WAIT);
    }

    private HttpResponse<String> decide(HttpAsUser who, String approvalId, String decision, String why) {
        ObjectNode body = JSON.createObjectNode().put("decision", decision);
        if (why != null) {
            body.put("justification", why);
        }
        return who.send("POST", "/api/approvals/" + approvalId + "/decision", body.toString());
    }

    /** A pimflow login in the approvers group whose e-mail is the person's in the directory. */
    private HttpAsUser login(String email) {
        return Approvers.login(identity, port, email, PASSWORD);
    }
}
