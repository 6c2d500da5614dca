package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.Status;
import dev.pimflow.pim.simulator.ContosoTenant;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import dev.pimflow.workflow.support.BrowserCondition;
import dev.pimflow.workflow.support.ConfirmationBrowser;
import dev.pimflow.workflow.support.HeadlessChromium;
import dev.pimflow.workflow.support.IdentityProviderTestBase;
import dev.pimflow.workflow.support.OidcLoginPage;
import dev.pimflow.workflow.support.OidcProvider.Claims;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * DESIGN §9.1 in {@code self-activate} mode: the person's sign-in on the confirmation page also yields a delegated
 * token, and PIM receives the seed's own request, {@code selfActivate} with justification, ticket and
 * {@code afterDuration}, as that person; the ticket's closure revokes with the app's {@code adminRemove}. A sign-in
 * that PIM refuses (its MFA rule) ends the activation denied with PIM's rule. In a real browser (headless Chromium)
 * the person reads the page, clicks Approve, signs in at the provider's page and lands on the result; a screenshot of
 * the confirmation page is kept in {@code target/confirm/}.
 */
@TestPropertySource(properties = {"camunda.bpm.process-engine-name=oidcselftest", "pim.activation.mode=self-activate"})
class SelfActivationWithTheIdentityProviderTest extends IdentityProviderTestBase {
    private static final String APPROVAL_ROLE = ContosoTenant.APPROVAL_ROLE_ID;
    private static final Setup SETUP = setUp();
    private static final Path OUTPUT = Path.of("target", "confirm");

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        register(registry, SETUP);
    }

    @Override
    protected Setup setup() {
        return SETUP;
    }

    @Test
    void thePersonsOwnSelfActivationCarriesTheTicketAndTheTicketsClosureRevokesIt() throws Exception {
        String ticket = "CONTOSO:Self-1";
        tickets.requestActivation(ticket, ALINE, "PT2H");
        JsonNode challenge = challengeOf(ticket);
        String activationId = challenge.path("activationId").asText();

        HttpResponse<String> result = confirm(
                new ConfirmationBrowser(), challenge.path("confirmUrl").asText(), "approve", Claims.mfaSignIn(ALINE));
        assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
        awaitStatus(activationId, Status.ACTIVE);
        assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);

        List<JsonNode> requests = pimRequestsOf(ALINE);
        JsonNode self = requests.stream()
                .filter(r -> "selfActivate".equals(r.path("action").asText()))
                .filter(r ->
                        ticket.equals(r.path("ticketInfo").path("ticketNumber").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no selfActivate for " + ticket + " in " + requests));
        assertThat(self.path("ticketInfo").path("ticketSystem").asText()).isEqualTo("Contoso ICM");
        assertThat(self.path("justification").asText()).isNotBlank();
        assertThat(self.path("scheduleInfo").path("expiration").path("type").asText())
                .isEqualTo("afterDuration");
        assertThat(self.path("scheduleInfo").path("expiration").path("duration").asText())
                .isEqualTo("PT2H");
        assertThat(requests)
                .as("the app did not assign it")
                .noneMatch(r -> "adminAssign".equals(r.path("action").asText())
                        && ticket.equals(
                                r.path("ticketInfo").path("ticketNumber").asText()));

        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        assertThat(pimRequestsOf(ALINE))
                .anyMatch(r -> "adminRemove".equals(r.path("action").asText())
                        && ticket.equals(
                                r.path("ticketInfo").path("ticketNumber").asText()));
    }

    @Test
    void aSelfActivationPimRefusesEndsDeniedWithPimsRule() throws Exception {
        // Aline leaves the group that makes her eligible while her challenge waits: pimflow's checks of the sign-in
        // pass, PIM refuses her selfActivate (its eligibility rule), and the activation ends denied with that rule
        String ticket = "CONTOSO:Self-2";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = challengeOf(ticket);
        String activationId = challenge.path("activationId").asText();
        String group = "/groups/" + ContosoTenant.HELPDESK_GROUP_ID + "/members";
        assertThat(graphAsAdmin("DELETE", group + "/" + ALINE + "/$ref", null).statusCode())
                .isEqualTo(204);
        try {
            HttpResponse<String> result = confirm(
                    new ConfirmationBrowser(),
                    challenge.path("confirmUrl").asText(),
                    "approve",
                    Claims.mfaSignIn(ALINE));
            assertThat(result.statusCode()).as(result.body()).isEqualTo(403);
            assertThat(result.body()).contains("PIM refused", "EligibilityRule").doesNotContain("Exception");
            JsonNode denied = awaitStatus(activationId, Status.DENIED);
            assertThat(denied.path("data").path("reason").asText()).contains("EligibilityRule");
            assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        } finally {
            String body = "{\"@odata.id\":\"" + simulator.baseUrl() + "/directoryObjects/" + ALINE + "\"}";
            assertThat(graphAsAdmin("POST", group + "/$ref", body).statusCode()).isEqualTo(204);
        }
    }

    @Test
    void aTicketClosedWhilePimSelfActivatesLeavesNothingActive() throws Exception {
        // PIM takes 8 s to answer the person's selfActivate; meanwhile the ticket closes and the request is cancelled.
        // When PIM's answer comes, the challenge no longer waits: the assignment PIM just made is removed at once
        String ticket = "CONTOSO:Self-3";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = challengeOf(ticket);
        String activationId = challenge.path("activationId").asText();
        ConfirmationBrowser browser = new ConfirmationBrowser();
        URI callback = signIn(browser, challenge.path("confirmUrl").asText(), "approve", Claims.mfaSignIn(ALINE));
        assertThat(simulatorControl(
                                "POST",
                                "/faults",
                                "{\"status\":0,\"delayMillis\":8000,\"count\":1,"
                                        + "\"pathContains\":\"roleAssignmentScheduleRequests\",\"method\":\"POST\"}")
                        .statusCode())
                .isBetween(200, 299);
        // while PIM holds the selfActivate (the fault is taken when it arrives), the ticket closes
        Thread closer = new Thread(() -> {
            org.awaitility.Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> simulatorControl("GET", "/faults", null)
                            .body()
                            .replaceAll("\\s", "")
                            .contains("\"value\":[]"));
            tickets.closeTicket(ticket);
            awaitStatus(activationId, Status.CANCELLED);
        });
        closer.start();
        HttpResponse<String> page = browser.get(callback.toString());
        closer.join(WAIT.toMillis());
        assertThat(statusOf(activationId)).isEqualTo(Status.CANCELLED.wire());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(409);
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        assertThat(refusals(activationId)).anyMatch(r -> r.startsWith("challenge closed during the self-activation"));
        assertThat(pimRequestsOf(ALINE))
                .as("PIM made the assignment, and pimflow removed it")
                .anyMatch(r -> "selfActivate".equals(r.path("action").asText())
                        && ticket.equals(
                                r.path("ticketInfo").path("ticketNumber").asText()))
                .anyMatch(r -> "adminRemove".equals(r.path("action").asText())
                        && ticket.equals(
                                r.path("ticketInfo").path("ticketNumber").asText()));
    }

    @Test
    @ExtendWith(BrowserCondition.class)
    void inABrowserThePersonReadsThePageApprovesSignsInAndTheRoleIsActive() throws Exception {
        String missing = BrowserCondition.missing();
        if (missing != null) {
            fail(missing + " (" + BrowserCondition.REQUIRED_PROPERTY + "=true: not skipping)");
        }
        String ticket = "CONTOSO:Self-Browser";
        tickets.requestActivation(ticket, ALINE, "PT5H");
        JsonNode challenge = challengeOf(ticket);
        String activationId = challenge.path("activationId").asText();
        Files.createDirectories(OUTPUT);
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            var driver = chromium.driver();
            WebDriverWait wait = new WebDriverWait(driver, HeadlessChromium.BROWSER_WAIT, Duration.ofMillis(100));
            try {
                driver.get(challenge.path("confirmUrl").asText());
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("approve")));
                String shown = driver.findElement(By.id("request")).getText();
                assertThat(shown).contains("User Administrator", ticket, "Contoso ICM", "5 h", ALINE);
                Files.write(OUTPUT.resolve("confirmation-page.png"), driver.getScreenshotAs(OutputType.BYTES));

                long clicked = System.nanoTime();
                driver.findElement(By.id("approve")).click();
                new OidcLoginPage(driver).awaitShown().signIn(Claims.mfaSignIn(ALINE));
                wait.until(ExpectedConditions.textToBe(By.id("title"), "Approved"));
                Files.write(OUTPUT.resolve("approved-page.png"), driver.getScreenshotAs(OutputType.BYTES));
                awaitStatus(activationId, Status.ACTIVE);
                long toActiveMillis = (System.nanoTime() - clicked) / 1_000_000;
                Files.writeString(
                        OUTPUT.resolve("approve-to-active.txt"),
                        "from the click on Approve to status active (sign-in at the provider included): "
                                + toActiveMillis + " ms\n");
                assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);
            } catch (Throwable t) {
                Files.write(OUTPUT.resolve("failure.png"), driver.getScreenshotAs(OutputType.BYTES));
                Files.writeString(OUTPUT.resolve("failure.html"), driver.getPageSource());
                throw t;
            }
        }
        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
    }

    @Test
    void aRoleThatRequiresApprovalWaitsForPimsApproversAndIsActiveOnceNoraApproves() throws Exception {
        // DESIGN §9.3 in self-activate mode: PIM runs the approval of the person's own request; pimflow does not ask
        // the approvers again, it waits for PIM's decision on the request it recorded
        String ticket = "CONTOSO:Self-4";
        String activationId = requestApprovalRole(ticket);
        JsonNode challenge = challengeOf(ticket);
        HttpResponse<String> page = confirm(
                new ConfirmationBrowser(), challenge.path("confirmUrl").asText(), "approve", Claims.mfaSignIn(ALINE));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(202);
        assertThat(page.body()).contains("Waiting for approval");
        awaitStatus(activationId, Status.PENDING_APPROVAL);
        String requestId = pendingSelfActivation(ticket).path("id").asText();
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);

        assertThat(decideAsNora(requestId, "Approve")).isEqualTo(204);
        JsonNode active = awaitStatus(activationId, Status.ACTIVE);
        assertThat(active.path("data").path("pimRequestId").asText()).isEqualTo(requestId);
        assertThat(activeRoles(ALINE)).contains(APPROVAL_ROLE);
        assertThat(chainedAudit(activationId)).anySatisfy(r -> {
            assertThat(r.action()).isEqualTo(AuditAction.APPROVAL_APPROVED.wire());
            assertThat(r.actor()).isEqualTo("pim");
        });
        assertThat(pimRequestsOf(ALINE))
                .as("pimflow asked nobody to approve and assigned nothing itself")
                .noneMatch(r -> "adminAssign".equals(r.path("action").asText())
                        && ticket.equals(
                                r.path("ticketInfo").path("ticketNumber").asText()));

        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);
    }

    @Test
    void aRequestPimsApproversDenyEndsDeniedAndOneWhoseTicketClosesIsWithdrawn() throws Exception {
        String denied = "CONTOSO:Self-5";
        String deniedId = requestApprovalRole(denied);
        confirm(
                new ConfirmationBrowser(),
                challengeOf(denied).path("confirmUrl").asText(),
                "approve",
                Claims.mfaSignIn(ALINE));
        awaitStatus(deniedId, Status.PENDING_APPROVAL);
        assertThat(decideAsNora(pendingSelfActivation(denied).path("id").asText(), "Deny"))
                .isEqualTo(204);
        JsonNode end = awaitStatus(deniedId, Status.DENIED);
        assertThat(end.path("data").path("reason").asText()).isEqualTo("approval-denied");
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);

        String closed = "CONTOSO:Self-6";
        String closedId = requestApprovalRole(closed);
        confirm(
                new ConfirmationBrowser(),
                challengeOf(closed).path("confirmUrl").asText(),
                "approve",
                Claims.mfaSignIn(ALINE));
        awaitStatus(closedId, Status.PENDING_APPROVAL);
        String requestId = pendingSelfActivation(closed).path("id").asText();
        tickets.closeTicket(closed);
        awaitStatus(closedId, Status.CANCELLED);
        JsonNode withdrawn = pimRequestsOf(ALINE).stream()
                .filter(r -> requestId.equals(r.path("id").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(withdrawn.path("status").asText()).isEqualTo("Canceled");
        // Nora's late approval of the withdrawn request activates nothing
        assertThat(decideAsNora(requestId, "Approve")).isNotEqualTo(204);
        assertThat(activeRoles(ALINE)).doesNotContain(APPROVAL_ROLE);
    }

    private String requestApprovalRole(String ticket) {
        com.fasterxml.jackson.databind.node.ObjectNode data = tickets.activationRequest(ticket, ALINE, "PT1H");
        data.put("roleDefinitionId", APPROVAL_ROLE);
        tickets.send(
                "tickets.events",
                "Contoso ICM:" + ticket,
                dev.pimflow.contracts.EventTypes.TICKET_ACTIVATION_REQUESTED,
                data);
        return challengeOf(ticket).path("activationId").asText();
    }

    /** The person's own selfActivate of the approval role for the ticket, as PIM holds it. */
    private JsonNode pendingSelfActivation(String ticket) throws Exception {
        return pimRequestsOf(ALINE).stream()
                .filter(r -> "selfActivate".equals(r.path("action").asText()))
                .filter(r ->
                        ticket.equals(r.path("ticketInfo").path("ticketNumber").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no selfActivate for " + ticket));
    }

    /** Nora decides the request's approval step in PIM (the simulator's roleAssignmentApprovals). */
    private int decideAsNora(String requestId, String result) throws Exception {
        String approvalId = pimRequestsOf(ALINE).stream()
                .filter(r -> requestId.equals(r.path("id").asText()))
                .findFirst()
                .orElseThrow()
                .path("approvalId")
                .asText();
        String base = "/roleManagement/directory/roleAssignmentApprovals/" + approvalId;
        HttpResponse<String> approval = graphAs(ContosoTenant.APPROVER_ID, "GET", base, null);
        if (approval.statusCode() != 200) {
            return approval.statusCode();
        }
        String stepId =
                new ObjectMapper().readTree(approval.body()).at("/steps/0/id").asText();
        return graphAs(
                        ContosoTenant.APPROVER_ID,
                        "PATCH",
                        base + "/steps/" + stepId,
                        "{\"reviewResult\":\"" + result + "\",\"justification\":\"ticket checked\"}")
                .statusCode();
    }

    private HttpResponse<String> graphAs(String userId, String method, String path, String json) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                                .header(
                                        "Authorization",
                                        "Bearer "
                                                + SimulatorTokenCredential.user(userId, "pwd", "mfa")
                                                        .token())
                                .header("Content-Type", "application/json")
                                .method(
                                        method,
                                        json == null
                                                ? HttpRequest.BodyPublishers.noBody()
                                                : HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** A Graph call as the tenant's administrator (a delegated token with the tutorial's consented scopes). */
    private HttpResponse<String> graphAsAdmin(String method, String path, String json) throws Exception {
        return graphAs(ContosoTenant.ADMIN_ID, method, path, json);
    }

    /** Every roleAssignmentScheduleRequest PIM (the simulator) holds for the principal, read with the app's token. */
    private List<JsonNode> pimRequestsOf(String principalId) throws Exception {
        String filter = URLEncoder.encode("principalId eq '" + principalId + "'", StandardCharsets.UTF_8)
                .replace("+", "%20");
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(simulator.baseUrl()
                                        + "/roleManagement/directory/roleAssignmentScheduleRequests?$filter=" + filter))
                                .header(
                                        "Authorization",
                                        "Bearer "
                                                + SimulatorTokenCredential.appOnly()
                                                        .token())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        new ObjectMapper().readTree(r.body()).path("value").forEach(out::add);
        return out;
    }
}
