package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.pim.simulator.ContosoTenant;
import dev.pimflow.workflow.support.Approvers;
import dev.pimflow.workflow.support.ConfirmationBrowser;
import dev.pimflow.workflow.support.HttpAsUser;
import dev.pimflow.workflow.support.IdentityProviderTestBase;
import dev.pimflow.workflow.support.OidcProvider.Claims;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 15 with the identity provider of DESIGN §9.1 configured: approvers decide on the approval page
 * ({@code approval.requested}'s {@code approveUrl}) by signing in afresh with MFA, and the decision is the verified ID
 * token's {@code oid}'s, through the rules of every channel. Aline asks for a role that needs approval (the simulator's
 * Privileged Authentication Administrator: one stage, approver Nora, justification required) and confirms on the
 * confirmation page; Nora approves on the approval page and the role is active. The requester, an outsider and a
 * sign-in without MFA are refused and audited; pimflow logins (the product API, Tasklist) are refused and told where
 * to go instead ({@code pim.approvals.require-identity-provider}, default true).
 */
@TestPropertySource(properties = "camunda.bpm.process-engine-name=" + ApproversSignInWithTheIdentityProviderTest.ENGINE)
class ApproversSignInWithTheIdentityProviderTest extends IdentityProviderTestBase {
    static final String ENGINE = "oidcapprovertest";
    /** Engine REST of this class's engine (the default engine's path names another). */
    private static final String ENGINE_REST = "/engine-rest/engine/" + ENGINE;

    private static final Setup SETUP = setUp();
    private static final String APPROVAL_ROLE = ContosoTenant.APPROVAL_ROLE_ID;
    private static final String NORA = ContosoTenant.APPROVER_ID;
    private static final String PASSWORD = "approver-password-1";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        register(registry, SETUP);
    }

    @Override
    protected Setup setup() {
        return SETUP;
    }

    @Autowired
    IdentityService identity;

    @Test
    void noraSignsInWithMfaOnTheApprovalPageAndTheRoleIsActive() {
        String ticket = "CONTOSO:ApproverOidc-" + UUID.randomUUID().toString().substring(0, 6);
        String activationId = requestAndConfirm(ticket);
        JsonNode requested = awaitApprovalRequested(activationId);
        String approvalId = requested.path("approvalId").asText();
        String approveUrl = requested.path("approveUrl").asText();
        assertThat(approveUrl).isEqualTo(SETUP.publicUrl() + "/approve/" + approvalId);
        awaitStatus(activationId, Status.PENDING_APPROVAL);

        ConfirmationBrowser browser = new ConfirmationBrowser();
        HttpResponse<String> page = browser.get(approveUrl);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body())
                .contains(
                        "Privileged Authentication Administrator",
                        ticket,
                        ALINE,
                        "1 h",
                        "1 of 1",
                        "Decide before",
                        "name=\"justification\"",
                        "Approve",
                        "Deny");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .contains("frame-ancestors 'none'");

        HttpResponse<String> toProvider = click(browser, approveUrl, "approve", "seen the incident");
        assertThat(toProvider.statusCode()).as(toProvider.body()).isEqualTo(303);
        URI authorize = ConfirmationBrowser.location(toProvider);
        assertThat(authorize.toString())
                .startsWith(SETUP.provider().authorizationEndpoint().toString())
                .contains("prompt=login", "max_age=0", "code_challenge_method=S256", "nonce=", "state=")
                .doesNotContain("login_hint");
        URI callback = SETUP.provider().signIn(authorize, Claims.mfaSignIn(NORA));
        HttpResponse<String> result = browser.get(callback.toString());
        assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
        assertThat(result.body()).contains("Approved", "stage 1/1");

        awaitStatus(activationId, Status.ACTIVE);
        assertThat(activeRoles(ALINE)).contains(APPROVAL_ROLE);
        AuditRecord approved = chainedAudit(activationId).stream()
                .filter(r -> AuditAction.APPROVAL_APPROVED.is(r.action()))
                .findFirst()
                .orElseThrow();
        assertThat(approved.actor()).isEqualTo(NORA);
        assertThat(approved.details())
                .containsEntry("channel", "identity-provider")
                .containsEntry("method", "oidc")
                .containsEntry("issuer", SETUP.provider().issuerUri())
                .containsEntry("justification", "seen the incident")
                .containsKeys("sid", "jti", "authTime");

        // decided: the page says so, and the provider's redirect replayed decides nothing
        HttpResponse<String> after = browser.get(approveUrl);
        assertThat(after.statusCode()).isEqualTo(410);
        assertThat(after.body()).contains("already decided").doesNotContain("name=\"justification\"");
        assertThat(browser.get(callback.toString()).statusCode()).isEqualTo(400);
        assertThat(chainedAudit(activationId).stream().filter(r -> AuditAction.APPROVAL_APPROVED.is(r.action())))
                .hasSize(1);

        close(ticket);
        awaitRevoked(activationId);
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);
    }

    @Test
    void theRequesterAnOutsiderAndASignInWithoutMfaAreRefusedAndAudited() {
        String ticket = "CONTOSO:ApproverOidc-" + UUID.randomUUID().toString().substring(0, 6);
        String activationId = requestAndConfirm(ticket);
        String approveUrl =
                awaitApprovalRequested(activationId).path("approveUrl").asText();
        ConfirmationBrowser browser = new ConfirmationBrowser();

        HttpResponse<String> own = decide(browser, approveUrl, "approve", "it is me", Claims.mfaSignIn(ALINE));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(403);
        assertThat(own.body()).contains("the requester never approves their own request");
        HttpResponse<String> outsider = decide(browser, approveUrl, "approve", "why not", Claims.mfaSignIn(BOB));
        assertThat(outsider.statusCode()).as(outsider.body()).isEqualTo(403);
        assertThat(outsider.body()).contains("is not one of the approvers of stage 1/1");
        HttpResponse<String> noMfa = decide(
                browser,
                approveUrl,
                "approve",
                "seen it",
                Claims.mfaSignIn(NORA).amr("pwd"));
        assertThat(noMfa.statusCode()).as(noMfa.body()).isEqualTo(403);
        assertThat(noMfa.body()).contains("did not use multi-factor authentication");
        // the policy asks for the approver's justification: the page says so before anyone signs in
        HttpResponse<String> noWhy = click(browser, approveUrl, "approve", "");
        assertThat(noWhy.statusCode()).as(noWhy.body()).isEqualTo(400);
        assertThat(noWhy.body()).contains("justification: required");
        assertThat(browser.get(SETUP.publicUrl() + "/approve/" + UUID.randomUUID())
                        .statusCode())
                .isEqualTo(404);

        assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_APPROVAL.wire());
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);
        List<AuditRecord> refused = chainedAudit(activationId).stream()
                .filter(r -> AuditAction.APPROVAL_REJECTED.is(r.action()))
                .toList();
        assertThat(refused).extracting(AuditRecord::actor).containsExactly(ALINE, BOB, NORA);
        assertThat(refused)
                .allSatisfy(r -> assertThat(r.details())
                        .containsEntry("channel", "identity-provider")
                        .containsEntry("method", "oidc"));
        assertThat(refused)
                .extracting(r -> String.valueOf(r.details().get("reason")))
                .satisfiesExactly(
                        r -> assertThat(r).contains("requester never approves"),
                        r -> assertThat(r).contains("not one of the approvers"),
                        r -> assertThat(r).contains("amr does not contain mfa"));
        assertThat(chainedAudit(activationId).stream().filter(r -> AuditAction.APPROVAL_APPROVED.is(r.action())))
                .isEmpty();

        // a ticket closed while waiting: the page can no longer decide
        close(ticket);
        awaitStatus(activationId, Status.CANCELLED);
        HttpResponse<String> closed = browser.get(approveUrl);
        assertThat(closed.statusCode()).isEqualTo(410);
        assertThat(closed.body()).contains("cancelled");
    }

    @Test
    void pimflowLoginsAreSentToTheApprovalPage() throws Exception {
        String ticket = "CONTOSO:ApproverOidc-" + UUID.randomUUID().toString().substring(0, 6);
        String activationId = requestAndConfirm(ticket);
        String approvalId =
                awaitApprovalRequested(activationId).path("approvalId").asText();
        String pointer =
                "approvers sign in with the identity provider: open " + SETUP.publicUrl() + "/approve/" + approvalId;
        HttpAsUser nora = Approvers.login(identity, SETUP.port(), "NoraL@" + TutorialTenant.DOMAIN, PASSWORD);

        HttpResponse<String> api = nora.send(
                "POST",
                "/api/approvals/" + approvalId + "/decision",
                "{\"decision\": \"approve\", \"justification\": \"seen the incident\"}");
        assertThat(api.statusCode()).as(api.body()).isEqualTo(403);
        assertThat(api.body()).contains(pointer);
        String task = Approvers.taskOf(ticket, nora, ENGINE_REST, WAIT);
        HttpResponse<String> tasklist = nora.send("POST", ENGINE_REST + "/task/" + task + "/complete", """
                {"variables": {"approved": {"value": true},
                               "approverJustification": {"value": "seen the incident"}}}""");
        assertThat(tasklist.statusCode()).as(tasklist.body()).isEqualTo(403);
        assertThat(tasklist.body()).contains(pointer);

        assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_APPROVAL.wire());
        List<AuditRecord> refused = chainedAudit(activationId).stream()
                .filter(r -> AuditAction.APPROVAL_REJECTED.is(r.action()))
                .toList();
        assertThat(refused)
                .extracting(r -> String.valueOf(r.details().get("channel")))
                .containsExactly("api", "tasklist");
        assertThat(refused)
                .allSatisfy(r ->
                        assertThat(String.valueOf(r.details().get("reason"))).startsWith(pointer));
        close(ticket);
        awaitStatus(activationId, Status.CANCELLED);
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    /** Tickets a test opened and has not closed: a test that fails half way leaves no active role to the next. */
    private final List<String> open = new ArrayList<>();

    @AfterEach
    void closeWhatIsLeft() {
        open.forEach(tickets::closeTicket);
        open.clear();
    }

    private void close(String ticket) {
        tickets.closeTicket(ticket);
        open.remove(ticket);
    }

    /** Aline asks for the approval role and confirms on the confirmation page with MFA. */
    private String requestAndConfirm(String ticket) {
        ObjectNode data = tickets.activationRequest(ticket, ALINE, "PT1H");
        data.put("roleDefinitionId", APPROVAL_ROLE);
        tickets.send("tickets.events", CONTOSO_ICM + ":" + ticket, EventTypes.TICKET_ACTIVATION_REQUESTED, data);
        open.add(ticket);
        JsonNode challenge = challengeOf(ticket);
        HttpResponse<String> confirmed = confirm(
                new ConfirmationBrowser(), challenge.path("confirmUrl").asText(), "approve", Claims.mfaSignIn(ALINE));
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        return challenge.path("activationId").asText();
    }

    private JsonNode awaitApprovalRequested(String activationId) {
        return Approvers.awaitApprovalRequested(topics, activationId, WAIT);
    }

    /** Opens the approval page, types the justification and clicks: the redirect to the provider (or a refusal). */
    private static HttpResponse<String> click(
            ConfirmationBrowser browser, String approveUrl, String decision, String justification) {
        HttpResponse<String> page = browser.get(approveUrl);
        Matcher m = CSRF.matcher(page.body());
        assertThat(m.find()).as("a form on " + page.body()).isTrue();
        String csrf = m.group(1).replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&");
        return browser.post(
                approveUrl,
                "_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8) + "&decision=" + decision + "&justification="
                        + URLEncoder.encode(justification, StandardCharsets.UTF_8));
    }

    /** Clicks, signs in with these claims, and comes back: the result page. */
    private HttpResponse<String> decide(
            ConfirmationBrowser browser, String approveUrl, String decision, String justification, Claims claims) {
        HttpResponse<String> toProvider = click(browser, approveUrl, decision, justification);
        assertThat(toProvider.statusCode()).as(toProvider.body()).isEqualTo(303);
        URI callback = SETUP.provider().signIn(ConfirmationBrowser.location(toProvider), claims);
        return browser.get(callback.toString());
    }
}
