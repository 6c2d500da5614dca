package dev.pimflow.workflow;

import static dev.pimflow.workflow.ApprovalStoryEndToEndTest.APPROVAL_ROLE;
import static dev.pimflow.workflow.ApprovalStoryEndToEndTest.NORA;
import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.workflow.security.Roles;
import dev.pimflow.workflow.support.BrowserCondition;
import dev.pimflow.workflow.support.EndToEndTestBase;
import dev.pimflow.workflow.support.HeadlessChromium;
import dev.pimflow.workflow.support.TasklistPage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The approver's view (issue 15): in a real browser, Nora logs in to Tasklist, selects the shared "pimflow approvals"
 * filter, finds the approval stage's task by the ticket number in its name, claims it, ticks Approve, gives her reason
 * and completes the generated form: the role becomes active, the audit trail names Nora and Tasklist. Bob, in the
 * approvers group but not an approver of the stage, fills the same form on another ticket and Tasklist shows the
 * refusal; the request stays pending. Leaves screenshots in {@code target/tasklist/}.
 *
 * <p>The generated form must show the request (its read-only fields) and must submit: Camunda fills form fields from
 * the task's execution, not from task-local variables, and refuses a submitted value for a read-only field, which
 * Tasklist sends whenever the field it showed was empty.
 *
 * <p>The test profile scales the policy's one day to decide a stage to about 43 s ({@code pim.approvals.time-scale}):
 * each person logs in before the request is made, so only finding, claiming and filling the task count against it.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code scripts/install-browser.sh}). Without them the
 * class is skipped before the orchestrator starts ({@link BrowserCondition}), unless {@code -Dpimflow.browser.required=true}
 * (CI), which makes it fail instead.
 */
@ExtendWith(BrowserCondition.class)
class AnApproverDecidesInTasklistTest extends EndToEndTestBase {
    private static final String PASSWORD = "approver-password-1";
    private static final Path OUTPUT = Path.of("target", "tasklist");
    private static final String JUSTIFICATION = "Security-4711 needs the MFA methods reset";

    @LocalServerPort
    int port;

    @Autowired
    IdentityService identity;

    @Test
    void noraApprovesInTasklistAndBobIsRefused() throws Exception {
        requireBrowser();
        String nora = login("NoraL@" + TutorialTenant.DOMAIN);
        String bob = login("BobK@" + TutorialTenant.DOMAIN);
        Files.createDirectories(OUTPUT);
        for (String stale : List.of("approval-form.png", "refused.png", "failure.png", "failure.html")) {
            Files.deleteIfExists(OUTPUT.resolve(stale));
        }

        try (HeadlessChromium browser = HeadlessChromium.start()) {
            TasklistPage tasklist = new TasklistPage(browser.driver(), port, HeadlessChromium.BROWSER_WAIT);
            try {
                approvedByNora(tasklist, nora);
                refusedForBob(tasklist, bob);
            } catch (Throwable t) {
                tasklist.saveEvidence(OUTPUT, "failure");
                throw t;
            }
        }
    }

    private void approvedByNora(TasklistPage tasklist, String nora) throws Exception {
        tasklist.logIn(nora, PASSWORD);
        String ticket = "CONTOSO:Tasklist-" + UUID.randomUUID().toString().substring(0, 6);
        String activationId = requestWithMfa(ticket);
        JsonNode requested = awaitApprovalRequested(activationId);
        assertThat(requested.path("approvers")).extracting(JsonNode::asText).containsExactly(NORA);
        awaitStatus(activationId, Status.PENDING_APPROVAL);
        Instant due = Instant.parse(requested.path("dueAt").asText());

        tasklist.openFilter(Roles.APPROVALS_FILTER);
        String name = tasklist.openTaskNamedWith(ticket);
        assertThat(name).startsWith("Approve ").endsWith(" for " + CONTOSO_ICM + " " + ticket);
        // what Nora decides on: the request, read-only in the form
        tasklist.awaitShown("requestTicket", CONTOSO_ICM + " " + ticket);
        tasklist.awaitShown("requester", ALINE);
        tasklist.claim();
        tasklist.fill("approved", true, "approverJustification", JUSTIFICATION);
        tasklist.screenshot(OUTPUT.resolve("approval-form.png"));
        Optional<TasklistPage.Notification> refused = tasklist.complete();
        assertThat(refused)
                .as("Tasklist's answer to Nora's completion (the stage was due at %s, it is %s)", due, Instant.now())
                .isEmpty();
        assertThat(tasklist.formShown()).isFalse();

        awaitStatus(activationId, Status.ACTIVE);
        assertThat(activeRoles(ALINE)).contains(APPROVAL_ROLE);
        AuditRecord decision = chainedAudit(activationId).stream()
                .filter(r -> AuditAction.APPROVAL_APPROVED.is(r.action()))
                .findFirst()
                .orElseThrow();
        assertThat(decision.actor()).isEqualTo(NORA);
        assertThat(decision.details())
                .containsEntry("channel", "tasklist")
                .containsEntry("justification", JUSTIFICATION);

        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);
        tasklist.logOut();
    }

    private void refusedForBob(TasklistPage tasklist, String bob) throws Exception {
        tasklist.logIn(bob, PASSWORD);
        String ticket = "CONTOSO:Tasklist-" + UUID.randomUUID().toString().substring(0, 6);
        String activationId = requestWithMfa(ticket);
        awaitApprovalRequested(activationId);

        tasklist.openFilter(Roles.APPROVALS_FILTER);
        tasklist.openTaskNamedWith(ticket);
        tasklist.claim();
        tasklist.fill("approved", true, "approverJustification", "looks fine to me");
        Optional<TasklistPage.Notification> refused = tasklist.complete();
        tasklist.screenshot(OUTPUT.resolve("refused.png"));
        assertThat(refused)
                .as("Tasklist's answer to Bob's completion")
                .hasValueSatisfying(n -> assertThat(n.text()).contains("not one of"));
        assertThat(tasklist.formShown()).isTrue();
        assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_APPROVAL.wire());
        assertThat(chainedAudit(activationId).stream().filter(r -> AuditAction.APPROVAL_REJECTED.is(r.action())))
                .extracting(r -> String.valueOf(r.details().get("channel")))
                .containsExactly("tasklist");
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);

        tickets.closeTicket(ticket);
        awaitStatus(activationId, Status.CANCELLED);
    }

    /** {@link BrowserCondition} lets the class run although the browser is missing: CI requires it, so this fails. */
    private static void requireBrowser() {
        String missing = BrowserCondition.missing();
        if (missing != null) {
            fail(missing + " (" + BrowserCondition.REQUIRED_PROPERTY + "=true: not skipping)");
        }
    }

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
        return topics.awaitEvent(
                        "pim.approvals",
                        WAIT,
                        e -> activationId.equals(
                                e.path("data").path("activationId").asText()))
                .path("data");
    }

    /**
     * A pimflow login in the approvers group whose e-mail is the person's in the directory (the same logins as
     * {@link ApprovalStoryEndToEndTest}'s: the classes share the orchestrator).
     */
    private String login(String email) {
        String id = email.substring(0, email.indexOf('@')).toLowerCase() + "approver";
        if (identity.createUserQuery().userId(id).count() == 0) {
            User user = identity.newUser(id);
            user.setEmail(email);
            user.setPassword(PASSWORD);
            identity.saveUser(user);
            identity.createMembership(id, Roles.APPROVERS);
        }
        return id;
    }
}
