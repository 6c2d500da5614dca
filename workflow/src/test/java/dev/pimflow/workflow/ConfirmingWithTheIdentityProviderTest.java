package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.pim.simulator.ContosoTenant;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import dev.pimflow.workflow.support.ConfirmationBrowser;
import dev.pimflow.workflow.support.IdentityProviderTestBase;
import dev.pimflow.workflow.support.OidcProvider.Claims;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * DESIGN §9.1 in {@code admin-assign} mode, against a real OpenID Connect provider: the person opens the challenge's
 * {@code confirmUrl}, clicks Approve, signs in afresh with MFA as themself, and the role is active (the app's
 * adminAssign) until the ticket closes. Every sign-in that proves less (another person, no MFA, an old sign-in, a
 * forged nonce, a replayed state or code, a token from another issuer, audience or key, another browser) is refused,
 * audited, and activates nothing; a challenge that is expired, cancelled or already decided cannot be confirmed. An
 * extension (DESIGN §9.3) is confirmed the same way on its own challenge's page, and only there: the first challenge's
 * link, or a sign-in started on it, does not extend; an extension denied, or whose activation ended, cannot be decided.
 */
// role-cache-ttl 0: a role policy changed by a test (its authentication context) is read again at once
@TestPropertySource(properties = {"camunda.bpm.process-engine-name=oidcadmintest", "pim.graph.role-cache-ttl=PT0S"})
class ConfirmingWithTheIdentityProviderTest extends IdentityProviderTestBase {
    private static final Setup SETUP = setUp();

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        register(registry, SETUP);
    }

    @Override
    protected Setup setup() {
        return SETUP;
    }

    @Autowired
    private JdbcTemplate jdbc;

    @Test
    void aPersonConfirmsWithAFreshMfaSignInAndTheRoleIsActiveUntilTheTicketCloses() {
        String ticket = "CONTOSO:Oidc-1";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = challengeOf(ticket);
        String activationId = challenge.path("activationId").asText();
        String confirmUrl = challenge.path("confirmUrl").asText();
        assertThat(confirmUrl)
                .isEqualTo(SETUP.publicUrl() + "/confirm/"
                        + challenge.path("challengeId").asText());

        ConfirmationBrowser browser = new ConfirmationBrowser();
        HttpResponse<String> page = browser.get(confirmUrl);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("User Administrator", ticket, "Contoso ICM", ALINE, "1 h", "Approve", "Deny");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .contains("frame-ancestors 'none'");

        HttpResponse<String> toProvider = browser.click(confirmUrl, "approve");
        assertThat(toProvider.statusCode()).isEqualTo(303);
        URI authorize = ConfirmationBrowser.location(toProvider);
        assertThat(authorize.toString())
                .startsWith(SETUP.provider().authorizationEndpoint().toString())
                .contains(
                        "prompt=login",
                        "max_age=0",
                        "login_hint=" + ALINE,
                        "code_challenge_method=S256",
                        "nonce=",
                        "state=");
        URI callback = SETUP.provider().signIn(authorize, Claims.mfaSignIn(ALINE));
        HttpResponse<String> result = browser.get(callback.toString());
        assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
        assertThat(result.body()).contains("Approved");

        awaitStatus(activationId, Status.ACTIVE);
        assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);
        AuditRecord approved = chainedAudit(activationId).stream()
                .filter(r -> AuditAction.MFA_APPROVED.is(r.action()))
                .findFirst()
                .orElseThrow();
        assertThat(approved.actor()).isEqualTo(ALINE);
        assertThat(approved.details())
                .containsEntry("method", "oidc")
                .containsEntry("issuer", SETUP.provider().issuerUri())
                .containsKeys("sid", "jti", "authTime");

        // the provider's redirect, replayed (its state and its code): nothing more happens
        HttpResponse<String> replay = browser.get(callback.toString());
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("already used");
        assertThat(chainedAudit(activationId).stream()
                        .filter(r -> AuditAction.MFA_APPROVED.is(r.action()))
                        .count())
                .isEqualTo(1);

        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
    }

    @Test
    void everySignInThatProvesLessIsRefusedAuditedAndActivatesNothing() {
        String ticket = "CONTOSO:Oidc-2";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = challengeOf(ticket);
        String activationId = challenge.path("activationId").asText();
        String confirmUrl = challenge.path("confirmUrl").asText();
        ConfirmationBrowser browser = new ConfirmationBrowser();

        Map<String, HttpResponse<String>> pages = new LinkedHashMap<>();
        refused(pages, "another person", confirm(browser, confirmUrl, "approve", Claims.mfaSignIn(BOB)));
        refused(
                pages,
                "no mfa",
                confirm(browser, confirmUrl, "approve", Claims.mfaSignIn(ALINE).amr("pwd")));
        refused(
                pages,
                "an old sign-in",
                confirm(
                        browser,
                        confirmUrl,
                        "approve",
                        Claims.mfaSignIn(ALINE).authTime(Instant.now().minus(Duration.ofMinutes(10)))));
        refused(
                pages,
                "no auth_time",
                confirm(browser, confirmUrl, "approve", Claims.mfaSignIn(ALINE).without("auth_time")));
        refused(
                pages,
                "a forged nonce",
                confirm(browser, confirmUrl, "approve", Claims.mfaSignIn(ALINE).nonce("forged")));
        refused(
                pages,
                "another audience",
                confirm(browser, confirmUrl, "approve", Claims.mfaSignIn(ALINE).audience("another-client")));
        SETUP.provider().nextTokenFromOtherIssuer();
        refused(pages, "another issuer", confirm(browser, confirmUrl, "approve", Claims.mfaSignIn(ALINE)));
        SETUP.provider().nextTokenSignedWithAForeignKey();
        refused(pages, "another key", confirm(browser, confirmUrl, "approve", Claims.mfaSignIn(ALINE)));
        URI startedElsewhere = signIn(new ConfirmationBrowser(), confirmUrl, "approve", Claims.mfaSignIn(ALINE));
        refused(pages, "another browser", browser.get(startedElsewhere.toString()));
        URI valid =
                signIn(browser, confirmUrl, "approve", Claims.mfaSignIn(ALINE).amr("pwd"));
        browser.get(valid.toString());
        refused(pages, "a replayed state and code", browser.get(valid.toString()));
        refused(pages, "an unknown state", browser.get(SETUP.publicUrl() + "/confirm/callback?code=x&state=made-up"));

        pages.forEach((attempt, page) ->
                assertThat(page.statusCode()).as(attempt + ": " + page.body()).isBetween(400, 499));
        assertThat(pages.get("another person").body()).contains("not the person this request is for");
        assertThat(pages.get("no mfa").body()).contains("did not use multi-factor authentication");
        assertThat(pages.get("an old sign-in").body()).contains("A fresh sign-in is needed");
        assertThat(pages.get("a forged nonce").body()).contains("does not belong to this confirmation");
        assertThat(pages.get("another issuer").body()).contains("could not be verified");
        assertThat(pages.get("another key").body()).contains("could not be verified");
        assertThat(pages.get("another audience").body()).contains("could not be verified");
        assertThat(pages.get("another browser").body()).contains("another browser");
        assertThat(pages.get("a replayed state and code").body()).contains("already used");
        pages.values()
                .forEach(page -> assertThat(page.body()).doesNotContain("Exception", "invalid_", "nonce", "auth_time"));

        assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_MFA.wire());
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        List<String> refusals = refusals(activationId);
        assertThat(refusals)
                .anyMatch(r -> r.startsWith("another person signed in"))
                .anyMatch(r -> r.contains("amr does not contain mfa"))
                .anyMatch(r -> r.startsWith("auth_time ") && r.contains("is before this sign-in was asked for"))
                .anyMatch(r -> r.equals("the ID token has no auth_time"))
                .anyMatch(r -> r.endsWith("invalid_nonce"))
                .anyMatch(r -> r.endsWith("invalid_id_token"))
                .anyMatch(r -> r.startsWith("sign-in came back to another browser"));
        assertThat(refusals.stream().filter(r -> r.endsWith("invalid_id_token")))
                .hasSize(3);

        // the same challenge, confirmed properly, still works
        HttpResponse<String> approved = confirm(browser, confirmUrl, "approve", Claims.mfaSignIn(ALINE));
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        awaitStatus(activationId, Status.ACTIVE);
        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
    }

    @Test
    void aChallengeThatIsDecidedCancelledOrExpiredCannotBeConfirmed() {
        // Deny, then the Approve that was started before it
        String ticket = "CONTOSO:Oidc-3";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = challengeOf(ticket);
        String activationId = challenge.path("activationId").asText();
        String confirmUrl = challenge.path("confirmUrl").asText();
        ConfirmationBrowser browser = new ConfirmationBrowser();
        URI approveStartedFirst = signIn(browser, confirmUrl, "approve", Claims.mfaSignIn(ALINE));
        HttpResponse<String> denied = confirm(browser, confirmUrl, "deny", Claims.mfaSignIn(ALINE));
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(200);
        assertThat(denied.body()).contains("Denied");
        awaitStatus(activationId, Status.DENIED);
        HttpResponse<String> lateApproval = browser.get(approveStartedFirst.toString());
        assertThat(lateApproval.statusCode()).isEqualTo(409);
        assertThat(lateApproval.body()).contains("already decided");
        assertThat(browser.get(confirmUrl).body()).contains("already decided").doesNotContain("Approve</button>");
        assertThat(browser.post(confirmUrl, "decision=approve").statusCode())
                .as("no CSRF token")
                .isEqualTo(403);
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
        assertThat(refusals(activationId)).anyMatch(r -> r.startsWith("challenge is no longer pending"));

        // cancelled: the ticket closed while the challenge waited
        String cancelledTicket = "CONTOSO:Oidc-4";
        tickets.requestActivation(cancelledTicket, ALINE, "PT1H");
        JsonNode cancelled = challengeOf(cancelledTicket);
        tickets.closeTicket(cancelledTicket);
        awaitStatus(cancelled.path("activationId").asText(), Status.CANCELLED);
        HttpResponse<String> cancelledPage =
                browser.get(cancelled.path("confirmUrl").asText());
        assertThat(cancelledPage.statusCode()).isEqualTo(410);
        assertThat(cancelledPage.body()).contains("cancelled");

        // expired: the challenge's time ran out (its timer not yet fired)
        String expiredTicket = "CONTOSO:Oidc-5";
        tickets.requestActivation(expiredTicket, ALINE, "PT1H");
        JsonNode expiring = challengeOf(expiredTicket);
        String expiringUrl = expiring.path("confirmUrl").asText();
        URI startedInTime = signIn(browser, expiringUrl, "approve", Claims.mfaSignIn(ALINE));
        jdbc.update(
                "UPDATE activation SET challenge_expires_at = ? WHERE id = ?",
                java.sql.Timestamp.from(Instant.now().minusSeconds(1)),
                expiring.path("activationId").asText());
        assertThat(browser.get(expiringUrl).body()).contains("time to confirm ran out");
        HttpResponse<String> tooLate = browser.get(startedInTime.toString());
        assertThat(tooLate.statusCode()).isEqualTo(409);
        assertThat(statusOf(expiring.path("activationId").asText())).isEqualTo(Status.PENDING_MFA.wire());
        assertThat(refusals(expiring.path("activationId").asText())).anyMatch(r -> r.startsWith("challenge expired"));
        tickets.closeTicket(expiredTicket);

        // unknown
        HttpResponse<String> unknown = browser.get(SETUP.publicUrl() + "/confirm/" + java.util.UUID.randomUUID());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("not known");
    }

    @Test
    void whereTheRolesPolicyNamesAnAuthenticationContextOnlyASignInWithItInAcrsConfirms() throws Exception {
        // PIM's policy for the role requires authentication context c1: the sign-in asks for it, and the ID token's
        // acrs, not its amr, is the proof of MFA
        String ticket = "CONTOSO:Oidc-Acrs";
        setAuthenticationContext(true, "c1");
        try {
            tickets.requestActivation(ticket, ALINE, "PT1H");
            JsonNode challenge = challengeOf(ticket);
            String activationId = challenge.path("activationId").asText();
            String confirmUrl = challenge.path("confirmUrl").asText();
            ConfirmationBrowser browser = new ConfirmationBrowser();

            URI authorize = ConfirmationBrowser.location(browser.click(confirmUrl, "approve"));
            assertThat(java.net.URLDecoder.decode(authorize.getRawQuery(), StandardCharsets.UTF_8))
                    .contains("claims={\"id_token\":{\"acrs\":{\"essential\":true,\"value\":\"c1\"}}");
            HttpResponse<String> mfaWithoutContext = browser.get(
                    SETUP.provider().signIn(authorize, Claims.mfaSignIn(ALINE)).toString());
            HttpResponse<String> anotherContext = confirm(
                    browser, confirmUrl, "approve", Claims.mfaSignIn(ALINE).acrs("c2"));
            for (HttpResponse<String> refused : List.of(mfaWithoutContext, anotherContext)) {
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
                assertThat(refused.body()).contains("did not use multi-factor authentication");
            }
            assertThat(refusals(activationId))
                    .filteredOn(r ->
                            r.equals("the ID token's acrs does not contain the required authentication context c1"))
                    .hasSize(2);
            assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_MFA.wire());

            HttpResponse<String> withContext = confirm(
                    browser,
                    confirmUrl,
                    "approve",
                    Claims.mfaSignIn(ALINE).amr("pwd").acrs("c1"));
            assertThat(withContext.statusCode()).as(withContext.body()).isEqualTo(200);
            awaitStatus(activationId, Status.ACTIVE);
            tickets.closeTicket(ticket);
            awaitRevoked(activationId);
        } finally {
            setAuthenticationContext(false, null);
        }
    }

    @Test
    void aSignInThatComesBackAfterTheFlowTimeoutIsRefused() {
        String ticket = "CONTOSO:Oidc-Slow";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = challengeOf(ticket);
        String activationId = challenge.path("activationId").asText();
        ConfirmationBrowser browser = new ConfirmationBrowser();
        URI callback = signIn(browser, challenge.path("confirmUrl").asText(), "approve", Claims.mfaSignIn(ALINE));
        // the sign-in was started 11 minutes ago (pim.idp.flow-timeout is 10 minutes); the sign-in itself is fresh
        jdbc.update(
                "UPDATE confirmation_flow SET started_at = ? WHERE challenge_id = ?",
                java.sql.Timestamp.from(Instant.now().minus(11, ChronoUnit.MINUTES)),
                challenge.path("challengeId").asText());

        HttpResponse<String> late = browser.get(callback.toString());

        assertThat(late.statusCode()).as(late.body()).isEqualTo(403);
        assertThat(late.body()).contains("The sign-in took too long");
        assertThat(refusals(activationId)).anyMatch(r -> r.startsWith("sign-in took longer than PT10M"));
        assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_MFA.wire());
        tickets.closeTicket(ticket);
        awaitStatus(activationId, Status.CANCELLED);
    }

    @Test
    void anIdTokenSignedWithTheProvidersKeyButNamingAnotherIssuerIsRefused() {
        String ticket = "CONTOSO:Oidc-Iss";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = challengeOf(ticket);
        String activationId = challenge.path("activationId").asText();

        HttpResponse<String> page = confirm(
                new ConfirmationBrowser(),
                challenge.path("confirmUrl").asText(),
                "approve",
                Claims.mfaSignIn(ALINE).issuer(SETUP.provider().otherIssuerUri()));

        assertThat(page.statusCode()).as(page.body()).isEqualTo(403);
        assertThat(page.body()).contains("could not be verified");
        assertThat(refusals(activationId)).anyMatch(r -> r.endsWith("invalid_id_token"));
        assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_MFA.wire());
        tickets.closeTicket(ticket);
        awaitStatus(activationId, Status.CANCELLED);
    }

    @Test
    void whileTheRolesPolicyCannotBeReadTheCallbackDoesNotFallBackToAmr() throws Exception {
        // the role's policy requires authentication context c1, and the sign-in shows MFA only in amr: when Graph
        // cannot say at the callback what the policy requires, the sign-in must not be taken as enough
        String ticket = "CONTOSO:Oidc-Acrs-Unreadable";
        setAuthenticationContext(true, "c1");
        try {
            tickets.requestActivation(ticket, ALINE, "PT1H");
            JsonNode challenge = challengeOf(ticket);
            String activationId = challenge.path("activationId").asText();
            ConfirmationBrowser browser = new ConfirmationBrowser();
            URI callback = signIn(browser, challenge.path("confirmUrl").asText(), "approve", Claims.mfaSignIn(ALINE));
            assertThat(simulatorControl("POST", "/faults", """
                            {"status":500,"count":-1,"code":"PimflowTestFault",\
                            "pathContains":"roleManagementPolicyAssignments","method":"GET"}""").statusCode()).isEqualTo(201);
            HttpResponse<String> page;
            try {
                page = browser.get(callback.toString());
            } finally {
                assertThat(simulatorControl("DELETE", "/faults", null).statusCode())
                        .isEqualTo(204);
            }

            assertThat(page.statusCode()).as(page.body()).isEqualTo(503);
            assertThat(page.body()).contains("Nothing was approved");
            assertThat(refusals(activationId))
                    .anyMatch(r -> r.startsWith("the role's activation policy could not be read"));
            assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_MFA.wire());
            tickets.closeTicket(ticket);
            awaitStatus(activationId, Status.CANCELLED);
        } finally {
            setAuthenticationContext(false, null);
        }
    }

    @Test
    void anExtensionIsConfirmedOnThePageWithAFreshMfaSignIn() {
        String ticket = "CONTOSO:Oidc-Ext-1";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode first = challengeOf(ticket);
        String activationId = first.path("activationId").asText();
        String firstUrl = first.path("confirmUrl").asText();
        ConfirmationBrowser browser = new ConfirmationBrowser();
        // a second sign-in on the first challenge, started before it was approved: brought back once the extension's
        // challenge is the activation's, it must not confirm the extension
        URI startedOnTheFirstChallenge = signIn(browser, firstUrl, "approve", Claims.mfaSignIn(ALINE));
        HttpResponse<String> activated = confirm(browser, firstUrl, "approve", Claims.mfaSignIn(ALINE));
        assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);
        Instant firstEnd = Instant.parse(awaitStatus(activationId, Status.ACTIVE)
                .path("data")
                .path("endDateTime")
                .asText());

        requestExtension(ticket, activationId, "PT1H");
        JsonNode extension =
                extensionChallengeOf(ticket, first.path("challengeId").asText());
        String challengeId = extension.path("challengeId").asText();
        String extensionUrl = extension.path("confirmUrl").asText();
        assertThat(extension.path("activationId").asText()).isEqualTo(activationId);
        assertThat(extensionUrl).isEqualTo(SETUP.publicUrl() + "/confirm/" + challengeId);
        assertThat(statusOf(activationId)).isEqualTo(Status.ACTIVE.wire());

        // the first challenge's link is not known any more, and its page cannot start a sign-in
        HttpResponse<String> firstPage = browser.get(firstUrl);
        assertThat(firstPage.statusCode()).isEqualTo(404);
        assertThat(firstPage.body()).contains("not known").doesNotContain("Approve</button>");
        HttpResponse<String> postedToFirst = postWithTheFormOf(browser, extensionUrl, firstUrl, "approve");
        assertThat(postedToFirst.statusCode()).as(postedToFirst.body()).isEqualTo(404);
        // the sign-in started on the first challenge, finished now: refused, the extension still waits for its own
        HttpResponse<String> stale = browser.get(startedOnTheFirstChallenge.toString());
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(410);
        assertThat(stale.body()).contains("can no longer be decided", "A newer request replaced it");
        assertThat(extensionStatus(activationId)).isEqualTo("pending-mfa");
        assertThat(mfaApprovals(activationId)).hasSize(1);

        HttpResponse<String> page = browser.get(extensionUrl);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body())
                .contains(
                        "Confirm more time for this privileged access",
                        "More time is asked",
                        "PT1H more",
                        "User Administrator",
                        ticket,
                        ALINE,
                        "Approve",
                        "Deny");
        HttpResponse<String> toProvider = browser.click(extensionUrl, "approve");
        assertThat(toProvider.statusCode()).as(toProvider.body()).isEqualTo(303);
        URI authorize = ConfirmationBrowser.location(toProvider);
        assertThat(authorize.toString())
                .startsWith(SETUP.provider().authorizationEndpoint().toString())
                .contains("prompt=login", "max_age=0", "login_hint=" + ALINE, "code_challenge_method=S256");
        URI callback = SETUP.provider().signIn(authorize, Claims.mfaSignIn(ALINE));
        HttpResponse<String> result = browser.get(callback.toString());
        assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
        assertThat(result.body()).contains("Approved", "The extra time for User Administrator");

        JsonNode extended = extensionEvent(activationId, "extended");
        Instant newEnd = Instant.parse(extended.path("endDateTime").asText());
        assertThat(Duration.between(firstEnd, newEnd).toMinutes()).isBetween(59L, 60L);
        assertThat(extended.path("duration").asText()).isEqualTo("PT1H");
        assertThat(statusOf(activationId)).isEqualTo(Status.ACTIVE.wire());
        assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);
        assertThat(chainedAudit(activationId))
                .extracting(AuditRecord::action)
                .containsSubsequence(
                        AuditAction.MFA_APPROVED.wire(),
                        AuditAction.ACTIVATED.wire(),
                        AuditAction.EXTENSION_REQUESTED.wire(),
                        AuditAction.MFA_APPROVED.wire(),
                        AuditAction.EXTENDED.wire());
        List<AuditRecord> approvals = mfaApprovals(activationId);
        assertThat(approvals).hasSize(2);
        assertThat(approvals.get(1).actor()).isEqualTo(ALINE);
        assertThat(approvals.get(1).details())
                .containsEntry("challengeId", challengeId)
                .containsEntry("method", "oidc")
                .containsEntry("issuer", SETUP.provider().issuerUri());

        // decided: its page says so, and the sign-in replayed changes nothing
        HttpResponse<String> after = browser.get(extensionUrl);
        assertThat(after.statusCode()).isEqualTo(410);
        assertThat(after.body())
                .contains("This extension was already approved; the access now ends at " + newEnd)
                .doesNotContain("Approve</button>");
        assertThat(browser.get(callback.toString()).statusCode()).isEqualTo(400);
        assertThat(events(activationId, "extended")).hasSize(1);

        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
    }

    @Test
    void anExtensionsPageOnceTheExtensionIsDeniedOrTheActivationRevokedCannotBeDecided() {
        // denied on the page: the role keeps its end; the Approve started before the Deny is refused
        String ticket = "CONTOSO:Oidc-Ext-2";
        String activationId = activateOnThePage(ticket);
        String firstChallenge = challengeOf(ticket).path("challengeId").asText();
        Instant firstEnd = endOf(activationId);
        requestExtension(ticket, activationId, "PT1H");
        JsonNode extension = extensionChallengeOf(ticket, firstChallenge);
        String extensionUrl = extension.path("confirmUrl").asText();
        ConfirmationBrowser browser = new ConfirmationBrowser();
        URI approveStartedFirst = signIn(browser, extensionUrl, "approve", Claims.mfaSignIn(ALINE));
        HttpResponse<String> denied = confirm(browser, extensionUrl, "deny", Claims.mfaSignIn(ALINE));
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(200);
        assertThat(denied.body()).contains("Denied", "No time will be added: the access still ends at " + firstEnd);
        assertThat(extensionEvent(activationId, "denied").path("reason").asText())
                .isNotBlank();

        HttpResponse<String> deniedPage = browser.get(extensionUrl);
        assertThat(deniedPage.statusCode()).isEqualTo(410);
        assertThat(deniedPage.body())
                .contains("can no longer be decided", "This extension was already decided: it was denied")
                .doesNotContain("Approve</button>", "already approved");
        HttpResponse<String> lateApproval = browser.get(approveStartedFirst.toString());
        assertThat(lateApproval.statusCode()).as(lateApproval.body()).isEqualTo(409);
        assertThat(lateApproval.body()).contains("can no longer be decided", "it was denied");
        assertThat(refusals(activationId)).anyMatch(r -> r.startsWith("challenge is no longer pending"));
        assertThat(extensionStatus(activationId)).isEqualTo("denied");
        assertThat(statusOf(activationId)).isEqualTo(Status.ACTIVE.wire());
        assertThat(endOf(activationId)).isEqualTo(firstEnd);
        assertThat(events(activationId, "extended")).isEmpty();
        assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);
        tickets.closeTicket(ticket);
        awaitRevoked(activationId);

        // revoked while the extension waited: its page and a sign-in started on it change nothing
        String revokedTicket = "CONTOSO:Oidc-Ext-3";
        String revokedId = activateOnThePage(revokedTicket);
        requestExtension(revokedTicket, revokedId, "PT1H");
        JsonNode waiting = extensionChallengeOf(
                revokedTicket, challengeOf(revokedTicket).path("challengeId").asText());
        String waitingUrl = waiting.path("confirmUrl").asText();
        URI startedBeforeTheRevocation = signIn(browser, waitingUrl, "approve", Claims.mfaSignIn(ALINE));
        tickets.closeTicket(revokedTicket);
        awaitRevoked(revokedId);
        extensionEvent(revokedId, "cancelled");

        HttpResponse<String> revokedPage = browser.get(waitingUrl);
        assertThat(revokedPage.statusCode()).isEqualTo(410);
        assertThat(revokedPage.body())
                .contains(
                        "can no longer be decided",
                        "This extension was cancelled: the access ended (it is now revoked)")
                .doesNotContain("Approve</button>");
        HttpResponse<String> tooLate = browser.get(startedBeforeTheRevocation.toString());
        assertThat(tooLate.statusCode()).as(tooLate.body()).isEqualTo(409);
        assertThat(extensionStatus(revokedId)).isEqualTo("cancelled");
        assertThat(statusOf(revokedId)).isEqualTo(Status.REVOKED.wire());
        assertThat(events(revokedId, "extended")).isEmpty();
        assertThat(mfaApprovals(revokedId)).hasSize(1);
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
    }

    /** Requests the seed role for Aline on the ticket and approves it on the page: the activation id, once active. */
    private String activateOnThePage(String ticket) {
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = challengeOf(ticket);
        HttpResponse<String> approved = confirm(
                new ConfirmationBrowser(), challenge.path("confirmUrl").asText(), "approve", Claims.mfaSignIn(ALINE));
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        String activationId = challenge.path("activationId").asText();
        awaitStatus(activationId, Status.ACTIVE);
        return activationId;
    }

    /** The ticket system asks for more time ({@code ticket.extension-requested}). */
    private void requestExtension(String ticket, String activationId, String duration) {
        ObjectNode data = new ObjectMapper()
                .createObjectNode()
                .put("ticketSystem", CONTOSO_ICM)
                .put("ticketNumber", ticket)
                .put("activationId", activationId)
                .put("duration", duration)
                .put("justification", "The incident runs long.");
        tickets.send("tickets.events", CONTOSO_ICM + ":" + ticket, EventTypes.TICKET_EXTENSION_REQUESTED, data);
    }

    /** The ticket's {@code mfa.challenge} after the first one: the extension's. */
    private JsonNode extensionChallengeOf(String ticket, String firstChallengeId) {
        return topics.awaitEvent(
                        "pim.mfa.challenges",
                        WAIT,
                        e -> ticket.equals(e.path("data").path("ticketNumber").asText())
                                && !firstChallengeId.equals(
                                        e.path("data").path("challengeId").asText()))
                .path("data");
    }

    private JsonNode extensionEvent(String activationId, String status) {
        return topics.awaitEvent("pim.activations", WAIT, e -> isExtension(e, activationId, status))
                .path("data");
    }

    private List<JsonNode> events(String activationId, String status) {
        return topics.events("pim.activations", e -> isExtension(e, activationId, status));
    }

    private static boolean isExtension(JsonNode e, String activationId, String status) {
        return EventTypes.ACTIVATION_EXTENSION.equals(e.path("type").asText())
                && activationId.equals(e.path("data").path("activationId").asText())
                && status.equals(e.path("data").path("status").asText());
    }

    private String extensionStatus(String activationId) {
        return jdbc.queryForObject(
                "SELECT status FROM activation_extension WHERE activation_id = ?", String.class, activationId);
    }

    private Instant endOf(String activationId) {
        return jdbc.queryForObject(
                        "SELECT end_date_time FROM activation WHERE id = ?", java.sql.Timestamp.class, activationId)
                .toInstant();
    }

    private List<AuditRecord> mfaApprovals(String activationId) {
        return chainedAudit(activationId).stream()
                .filter(r -> AuditAction.MFA_APPROVED.is(r.action()))
                .toList();
    }

    /** Posts a decision to {@code target} with the CSRF token of the page at {@code formPage}, as a forged form would. */
    private static HttpResponse<String> postWithTheFormOf(
            ConfirmationBrowser browser, String formPage, String target, String decision) {
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
                .matcher(browser.get(formPage).body());
        assertThat(csrf.find()).as("the page at " + formPage + " has a form").isTrue();
        return browser.post(
                target, "_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&decision=" + decision);
    }

    /** Keeps an attempt's page, failing at once (naming the attempt) if the sign-in was not refused. */
    private static void refused(Map<String, HttpResponse<String>> pages, String attempt, HttpResponse<String> page) {
        assertThat(page.statusCode())
                .as(attempt + " was not refused: " + page.body())
                .isBetween(400, 499);
        pages.put(attempt, page);
    }

    /** The User Administrator policy's AuthenticationContext_EndUser_Assignment rule, set as the tenant's admin. */
    private void setAuthenticationContext(boolean enabled, String claimValue) throws Exception {
        String admin = SimulatorTokenCredential.user(ContosoTenant.ADMIN_ID, "pwd", "mfa")
                .token();
        String filter = URLEncoder.encode(
                        "scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '"
                                + ContosoTenant.USER_ADMINISTRATOR_ROLE_ID + "'",
                        StandardCharsets.UTF_8)
                .replace("+", "%20");
        HttpResponse<String> assignments =
                graph("GET", "/policies/roleManagementPolicyAssignments?$filter=" + filter, admin, null);
        assertThat(assignments.statusCode()).as(assignments.body()).isEqualTo(200);
        String policyId = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(assignments.body())
                .at("/value/0/policyId")
                .asText();
        String rule = "{\"@odata.type\":\"#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule\","
                + "\"id\":\"AuthenticationContext_EndUser_Assignment\",\"isEnabled\":" + enabled + ",\"claimValue\":"
                + (claimValue == null ? "null" : "\"" + claimValue + "\"") + "}";
        HttpResponse<String> patched = graph(
                "PATCH",
                "/policies/roleManagementPolicies/" + policyId + "/rules/AuthenticationContext_EndUser_Assignment",
                admin,
                rule);
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(204);
    }

    private HttpResponse<String> graph(String method, String path, String token, String json) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .method(
                                        method,
                                        json == null
                                                ? HttpRequest.BodyPublishers.noBody()
                                                : HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
