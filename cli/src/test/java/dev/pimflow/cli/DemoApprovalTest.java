package dev.pimflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.cli.DemoCommandTest.FakeBus;
import dev.pimflow.contracts.ActivationRevoked;
import dev.pimflow.contracts.ActivationStatus;
import dev.pimflow.contracts.ApprovalRequested;
import dev.pimflow.contracts.Decision;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.MfaChallenge;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.pim.simulator.ContosoTenant;
import dev.pimflow.pim.simulator.GraphSimulator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pimctl demo --approval} without a running orchestrator: the story with an approver against a fake REST API
 * (product API and engine REST's identity endpoints, with a user store of its own), the real Graph simulator, and a
 * fake Kafka that answers as the orchestrator; and its failure messages.
 */
class DemoApprovalTest {
    static final String ALINE = DemoCommand.ALINE_ID;
    static final String ROLE = DemoCommand.APPROVAL_ROLE;
    static final String NORA = DemoCommand.NORA_ID;
    static final String LOGIN = DemoCommand.NORA_LOGIN;
    static final String ADMIN_AUTH = FakeOrchestrator.basic(FakeOrchestrator.USER, FakeOrchestrator.PASSWORD);

    private static GraphSimulator simulator;
    private FakeOrchestrator api;
    /** The fake's Camunda users: id to profile; their passwords; the approvers group's members. */
    private final Map<String, ObjectNode> users = new ConcurrentHashMap<>();

    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final List<String> approvers = new CopyOnWriteArrayList<>();

    private final String activation = UUID.randomUUID().toString();
    private final String challenge = UUID.randomUUID().toString();
    private final String approvalId = UUID.randomUUID().toString();
    private final String[] ticket = new String[1];

    @BeforeAll
    static void startSimulator() {
        simulator = GraphSimulator.start(0);
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @BeforeEach
    void start() {
        simulator.reset();
        api = new FakeOrchestrator();
        api.on("GET", "/api/activations", 200, "[]");
        engineRest();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void theSeedIsTheSimulators() {
        assertThat(DemoCommand.APPROVAL_ROLE).isEqualTo(ContosoTenant.APPROVAL_ROLE_ID);
        assertThat(DemoCommand.APPROVAL_ROLE_NAME).isEqualTo(ContosoTenant.APPROVAL_ROLE_NAME);
        assertThat(DemoCommand.NORA_ID).isEqualTo(ContosoTenant.APPROVER_ID);
        assertThat(DemoCommand.NORA_UPN).isEqualTo(ContosoTenant.APPROVER_UPN);
    }

    // ---------------------------------------------------------------- the whole story

    @Test
    void playsTheStoryWithAnApprover_makingNorasLogin() {
        FakeBus orchestrator = orchestrator(true);
        pendingApprovals();
        decisions(200, null, orchestrator);
        auditAndVerify();

        CliRun run = demo(orchestrator, "--close-after", "0.2s", "--timeout", "10s");

        assertThat(run.exitCode())
                .as("exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err())
                .isZero();
        assertThat(run.err()).isEmpty();
        assertThat(api.webhookFailures).isEmpty();
        assertThat(ticket[0]).matches("CONTOSO:Security-012345-[0-9a-z]{4}");
        String a = approvalId.substring(0, 8);
        assertInOrder(
                run.out(),
                "pimctl demo --approval: the walkthrough's story with an approver, for ticket " + ticket[0]
                        + " (Contoso ICM)",
                "  Aline Dupuy (" + ALINE + ") asks for Privileged Authentication Administrator (" + ROLE
                        + ") for PT5H; Nora Lindqvist (" + NORA + ") approves as login 'noral'",
                "✔ orchestrator answers at " + api.url() + " (user admin)",
                "✔ approver login 'noral' for Nora Lindqvist (NoraL@contoso.onmicrosoft.com): created, added to "
                        + "pimflowApprovers (engine REST, as admin; password not shown)",
                "✔ Graph: Aline holds no Privileged Authentication Administrator assignment",
                "✔ watching pim.mfa.challenges, pim.activations, pim.approvals, pim.revocations",
                "✔ activation requested (event ",
                "✔ MFA challenge " + challenge.substring(0, 8) + "… for Privileged Authentication Administrator",
                "✔ MFA approved: assertion signed for Aline with the development secret",
                "… waiting for approval.requested",
                "✔ activation pending-approval: approval " + a + "… (stage 1/1) asks Nora Lindqvist, due ",
                "✔ pending approvals as 'noral' (GET /api/approvals): " + a + "… ticket " + ticket[0]
                        + ", Privileged Authentication Administrator for Aline for PT5H, stage 1/1, due ",
                "✔ Nora approved " + a + "… as 'noral' (POST /api/approvals/<id>/decision): status approved, \"Checked "
                        + "ticket " + ticket[0] + ": Aline needs the role for this incident.\"",
                "… waiting for activation.status active",
                "✔ activation " + activation + " active until ",
                "✔ Graph: Aline holds Privileged Authentication Administrator (assignment ",
                "✔ ticket closed (event ",
                "✔ activation revoked, reason ticket-closed",
                "✔ Graph: the assignment is gone",
                "✔ audit trail: 9 records: requested, validated, mfa-challenged, mfa-approved, approval-requested, "
                        + "approval-approved, activated, revoke-requested, revoked",
                "✔ audit chain intact (9 records)",
                "Story complete in ",
                "  pimctl audit show " + activation,
                "  pimctl approvals list --all");

        // the login: made by the admin, with Nora's e-mail, in the approvers group, its password never shown
        assertThat(users.get(LOGIN).path("email").asText()).isEqualTo("NoraL@contoso.onmicrosoft.com");
        assertThat(approvers).containsExactly(LOGIN);
        String password = passwords.get(LOGIN);
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        assertThat(run.out() + run.err()).doesNotContain(password).doesNotContain(FakeOrchestrator.PASSWORD);
        assertThat(api.requests)
                .filteredOn(r -> r.path().startsWith("/engine-rest/"))
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo(ADMIN_AUTH));
        // Nora lists and decides as herself, with the password the demo set
        String noraAuth = FakeOrchestrator.basic(LOGIN, password);
        assertThat(api.requests)
                .filteredOn(r -> r.path().startsWith("/api/approvals"))
                .extracting(FakeOrchestrator.Request::method, FakeOrchestrator.Request::authorization)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("GET", noraAuth),
                        org.assertj.core.groups.Tuple.tuple("POST", noraAuth));
        assertThat(orchestrator.published)
                .extracting(FakeBus.Published::type)
                .containsExactly(
                        EventTypes.TICKET_ACTIVATION_REQUESTED, EventTypes.MFA_RESPONSE, EventTypes.TICKET_CLOSED);
        assertThat(orchestrator.closed).isTrue();
    }

    @Test
    void anExistingLoginGetsHerEmail_theGroup_andAFreshPasswordEachRun() {
        users.put(
                LOGIN,
                Events.mapper()
                        .createObjectNode()
                        .put("id", LOGIN)
                        .put("firstName", "Nora")
                        .put("lastName", "L")
                        .put("email", "nora@example.com"));
        passwords.put(LOGIN, "an-old-password-1");
        api.login(LOGIN, "an-old-password-1");

        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            FakeBus orchestrator = orchestrator(true);
            pendingApprovals();
            decisions(200, null, orchestrator);
            auditAndVerify();

            CliRun run = demo(orchestrator, "--close-after", "0", "--timeout", "10s");

            assertThat(run.exitCode())
                    .as("run %s: %s%n%s", i, run.out(), run.err())
                    .isZero();
            assertThat(api.webhookFailures).isEmpty();
            seen.add(passwords.get(LOGIN));
            assertThat(run.out() + run.err()).doesNotContain(passwords.get(LOGIN));
            assertThat(run.out())
                    .contains(
                            i == 0
                                    ? "✔ approver login 'noral' for Nora Lindqvist (NoraL@contoso.onmicrosoft.com): e-mail set "
                                            + "(was nora@example.com), new password, added to pimflowApprovers"
                                    : "✔ approver login 'noral' for Nora Lindqvist (NoraL@contoso.onmicrosoft.com): new password "
                                            + "(engine REST");
            simulator.reset();
        }
        assertThat(seen).doesNotHaveDuplicates().doesNotContain("an-old-password-1");
        assertThat(users.get(LOGIN).path("email").asText()).isEqualTo("NoraL@contoso.onmicrosoft.com");
        assertThat(approvers).containsExactly(LOGIN);
        assertThat(api.requests)
                .filteredOn(r -> r.path().equals("/engine-rest/user/create"))
                .isEmpty();
    }

    // ---------------------------------------------------------------- the approver login refused

    @Test
    void anApproverLoginThatCannotBeCreatedStopsTheDemoBeforeAnythingIsPublished() {
        api.route("POST", "/engine-rest/user/create", r -> new FakeOrchestrator.Reply(403, """
                {"type":"AuthorizationException","message":"The user with id 'admin' does not have 'CREATE' \
                permission on resource 'User'."}"""));
        FakeBus bus = new FakeBus((p, b) -> {});

        CliRun run = demo(bus, "--timeout", "5s");

        assertStepFailed(
                run,
                "preflight (approver login)",
                "POST " + api.url() + "/engine-rest/user/create answered 403: The user with id 'admin' does not have "
                        + "'CREATE' permission on resource 'User'.: user 'admin' may not manage Camunda users and groups; "
                        + "use the admin user (--user)");
        assertThat(run.errLines()[0]).doesNotContain("closed ticket");
        assertThat(bus.published).isEmpty();
        assertThat(run.out()).doesNotContain("Graph:");
    }

    @Test
    void aRefusedPasswordChangeIsNamed() {
        users.put(LOGIN, Events.mapper().createObjectNode().put("id", LOGIN).put("email", DemoCommand.NORA_UPN));
        api.route("PUT", "/engine-rest/user/" + LOGIN + "/credentials", r -> new FakeOrchestrator.Reply(400, """
                {"type":"InvalidRequestException","message":"Password does not match policy"}"""));

        CliRun run = demo(new FakeBus((p, b) -> {}), "--timeout", "5s");

        assertStepFailed(
                run,
                "preflight (approver login)",
                "PUT " + api.url()
                        + "/engine-rest/user/noral/credentials answered 400: Password does not match policy");
    }

    @Test
    void anOrchestratorWithoutEngineRestIsNamed() {
        FakeOrchestrator bare = new FakeOrchestrator();
        try {
            bare.on("GET", "/api/activations", 200, "[]");
            CliRun run = run(bare, new FakeBus((p, b) -> {}), "--timeout", "5s");

            assertStepFailed(
                    run,
                    "preflight (approver login)",
                    "GET " + bare.url() + "/engine-rest/user answered 404: the orchestrator has no engine REST, where "
                            + "the demo makes its approver login");
        } finally {
            bare.close();
        }
    }

    @Test
    void aPasswordTheOrchestratorDoesNotTakeForNoraIsSaidSo() {
        // the login is made, but the orchestrator does not let it in
        api.route("POST", "/engine-rest/user/create", r -> {
            ObjectNode body = json(r.body());
            users.put(LOGIN, (ObjectNode) body.path("profile"));
            passwords.put(LOGIN, body.path("credentials").path("password").asText());
            return new FakeOrchestrator.Reply(204, "");
        });
        FakeBus orchestrator = orchestrator(true);

        CliRun run = demo(orchestrator, "--timeout", "5s");

        assertStepFailed(
                run,
                "step 4 (pending approvals)",
                "the orchestrator at " + api.url() + " refused user 'noral' (401 Unauthorized): the password the demo "
                        + "has just set was not taken",
                "(closed ticket " + ticket[0] + ": nothing stays active)");
        assertThat(run.errLines()[0]).doesNotContain("PIM_ADMIN_PASSWORD");
    }

    // ---------------------------------------------------------------- the approval refused or missing

    @Test
    void aDecisionTheOrchestratorDoesNotCountIsExplained() {
        FakeBus orchestrator = orchestrator(true);
        pendingApprovals();
        decisions(403, "{\"error\":\"approval " + approvalId + ": not an approver of stage 1\"}", orchestrator);

        CliRun run = demo(orchestrator, "--timeout", "5s");

        assertStepFailed(
                run,
                "step 4 (approver's decision)",
                "login 'noral' is not taken as Nora (403: approval " + approvalId
                        + ": not an approver of stage 1): the orchestrator knows her by the login's e-mail, "
                        + "NoraL@contoso.onmicrosoft.com, in its Graph (pim.graph.base-url: is it --graph-base-url?)",
                "(closed ticket " + ticket[0] + ": nothing stays active)");
        assertThat(orchestrator.published)
                .extracting(FakeBus.Published::type)
                .containsExactly(
                        EventTypes.TICKET_ACTIVATION_REQUESTED, EventTypes.MFA_RESPONSE, EventTypes.TICKET_CLOSED);
    }

    @Test
    void aRefusedJustificationIsShownAsTheOrchestratorGivesIt() {
        FakeBus orchestrator = orchestrator(true);
        pendingApprovals();
        decisions(400, "{\"error\":\"justification: required by the role's policy\"}", orchestrator);

        CliRun run = demo(orchestrator, "--timeout", "5s");

        assertStepFailed(
                run,
                "step 4 (approver's decision)",
                "the orchestrator refused Nora's decision (400): justification: required by the role's policy");
    }

    @Test
    void noApprovalRequestTimesOutStepFour() {
        FakeBus orchestrator = orchestrator(false);

        CliRun run = demo(orchestrator, "--timeout", "1s");

        assertStepFailed(
                run,
                "step 4 (approval request)",
                "no approval.requested on pim.approvals within 1 s after the MFA approval",
                "(closed ticket ");
    }

    @Test
    void anActivationWithoutApprovalIsNotTheSeedsPolicy() {
        FakeBus orchestrator = new FakeBus((p, bus) -> {
            answerChallenge(p, bus);
            if (p.type().equals(EventTypes.MFA_RESPONSE)) {
                status(bus, Status.ACTIVE, null);
            }
        });

        CliRun run = demo(orchestrator, "--timeout", "5s");

        assertStepFailed(
                run,
                "step 4 (approval request)",
                "the activation became active without an approval: the policy of Privileged Authentication "
                        + "Administrator in the orchestrator's Graph requires none");
    }

    @Test
    void aDeniedApprovalEndsStepFiveWithItsReason() {
        FakeBus orchestrator = orchestrator(true);
        pendingApprovals();
        // the decision is taken, but the orchestrator then denies (another approver denied first)
        api.route("POST", "/api/approvals/" + approvalId + "/decision", r -> {
            status(orchestrator, Status.DENIED, Reason.APPROVAL_DENIED.wire());
            return new FakeOrchestrator.Reply(200, approval("approved").toString());
        });

        CliRun run = demo(orchestrator, "--timeout", "5s");

        assertStepFailed(
                run,
                "step 5 (activation)",
                "the orchestrator reports the activation denied, reason approval-denied: an approver denied it");
        assertThat(run.errLines()[0]).doesNotContain("closed ticket");
    }

    @Test
    void approvalWithPagerDutyIsRefusedBeforeAnything() {
        CliRun run = demo(null, "--via", "pagerduty");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.errLines()[0]).startsWith("pimctl: ").contains("'--via'").contains("--approval");
        assertThat(api.requests).isEmpty();
    }

    // ---------------------------------------------------------------- the fakes

    /** engine REST's identity endpoints over {@link #users}: as the admin only, as Camunda's identity service answers. */
    private void engineRest() {
        api.route("GET", "/engine-rest/user", r -> {
            admin(r);
            Map<String, String> q = query(r.query());
            ArrayNode list = Events.mapper().createArrayNode();
            ObjectNode user = users.get(q.get("id"));
            if (user != null
                    && (!q.containsKey("memberOfGroup")
                            || (q.get("memberOfGroup").equals("pimflowApprovers")
                                    && approvers.contains(q.get("id"))))) {
                list.add(user);
            }
            return new FakeOrchestrator.Reply(200, list.toString());
        });
        api.route("POST", "/engine-rest/user/create", r -> {
            admin(r);
            ObjectNode body = json(r.body());
            String id = body.path("profile").path("id").asText();
            assertThat(users).doesNotContainKey(id);
            users.put(id, (ObjectNode) body.path("profile"));
            setPassword(id, body.path("credentials").path("password").asText());
            return new FakeOrchestrator.Reply(204, "");
        });
        api.route("PUT", "/engine-rest/user/" + LOGIN + "/profile", r -> {
            admin(r);
            users.put(LOGIN, json(r.body()));
            return new FakeOrchestrator.Reply(204, "");
        });
        api.route("PUT", "/engine-rest/user/" + LOGIN + "/credentials", r -> {
            admin(r);
            ObjectNode body = json(r.body());
            if (!FakeOrchestrator.PASSWORD.equals(
                    body.path("authenticatedUserPassword").asText())) {
                return new FakeOrchestrator.Reply(400, """
                        {"type":"InvalidRequestException","message":"The given authenticated user password is not valid."}""");
            }
            setPassword(LOGIN, body.path("password").asText());
            return new FakeOrchestrator.Reply(204, "");
        });
        api.route("PUT", "/engine-rest/group/pimflowApprovers/members/" + LOGIN, r -> {
            admin(r);
            assertThat(approvers).doesNotContain(LOGIN); // Camunda answers a second membership with an error
            approvers.add(LOGIN);
            return new FakeOrchestrator.Reply(204, "");
        });
    }

    private void setPassword(String id, String password) {
        assertThat(password).isNotBlank();
        passwords.put(id, password);
        api.logout(id).login(id, password);
    }

    /** GET /api/approvals: the demo's approval pending, for Nora's login only. */
    private void pendingApprovals() {
        api.route("GET", "/api/approvals", r -> {
            nora(r);
            assertThat(r.query()).isEqualTo("status=pending");
            return new FakeOrchestrator.Reply(200, "[" + approval("pending") + "]");
        });
    }

    /**
     * POST /api/approvals/{id}/decision answers {@code status} ({@code error} unless 200); on 200 the orchestrator
     * activates the role (Graph and activation.status active).
     */
    private void decisions(int status, String error, FakeBus orchestrator) {
        api.route("POST", "/api/approvals/" + approvalId + "/decision", r -> {
            nora(r);
            JsonNode body = json(r.body());
            assertThat(body.path("decision").asText()).isEqualTo("approve");
            assertThat(body.path("justification").asText()).contains(ticket[0]);
            if (status != 200) {
                return new FakeOrchestrator.Reply(status, error);
            }
            DemoCommandTest.schedule(simulator.baseUrl(), "adminAssign", ROLE);
            activated = true;
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            orchestrator.answer(
                    "pim.activations",
                    activation,
                    EventTypes.ACTIVATION_STATUS,
                    new ActivationStatus(
                            activation,
                            "Contoso ICM",
                            ticket[0],
                            ALINE,
                            ROLE,
                            "/",
                            Status.ACTIVE.wire(),
                            null,
                            now,
                            now.plus(Duration.ofHours(5)),
                            "r-1"));
            ObjectNode approved = approval("approved")
                    .put("decidedBy", NORA)
                    .put("decisionJustification", body.path("justification").asText());
            return new FakeOrchestrator.Reply(200, approved.toString());
        });
    }

    private void auditAndVerify() {
        api.on("GET", "/api/activations/" + activation, 200, """
                {"activation": {"id": "%s", "status": "revoked"}, "audit": [
                  {"seq": 1, "action": "requested"}, {"seq": 2, "action": "validated"}, {"seq": 3, "action": "mfa-challenged"},
                  {"seq": 4, "action": "mfa-approved"}, {"seq": 5, "action": "approval-requested"},
                  {"seq": 6, "action": "approval-approved"}, {"seq": 7, "action": "activated"},
                  {"seq": 8, "action": "revoke-requested"}, {"seq": 9, "action": "revoked"}]}
                """.formatted(activation));
        api.on(
                "GET",
                "/api/audit/verify",
                200,
                "{\"intact\":true,\"recordsChecked\":9,\"firstBadSeq\":null,\"problem\":null}");
    }

    /** The approval JSON of the REST API (issue 15 contracts). */
    private ObjectNode approval(String status) {
        return Events.mapper()
                .createObjectNode()
                .put("approvalId", approvalId)
                .put("activationId", activation)
                .put("purpose", "activation")
                .put("stage", 1)
                .put("stages", 1)
                .put("status", status)
                .put("ticketSystem", "Contoso ICM")
                .put("ticketNumber", ticket[0])
                .put("principalId", ALINE)
                .put("roleDefinitionId", ROLE)
                .put("roleDisplayName", "Privileged Authentication Administrator")
                .put("directoryScopeId", "/")
                .put("duration", "PT5H")
                .put("dueAt", Instant.now().plus(Duration.ofDays(1)).toString());
    }

    /**
     * Kafka as the orchestrator answers: the challenge for the request; after the MFA, pending-approval and (when
     * {@code asksApproval}) approval.requested asking Nora; on closure the revocation.
     */
    private FakeBus orchestrator(boolean asksApproval) {
        return new FakeBus((p, bus) -> {
            answerChallenge(p, bus);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            switch (p.type()) {
                case EventTypes.MFA_RESPONSE -> {
                    JsonNode claims =
                            claims(p.event().path("data").path("assertion").asText());
                    assertThat(claims.path("decision").asText()).isEqualTo(Decision.APPROVED.wire());
                    assertThat(claims.path("sub").asText()).isEqualTo(ALINE);
                    if (asksApproval) {
                        status(bus, Status.PENDING_APPROVAL, null);
                        bus.answer(
                                "pim.approvals",
                                activation,
                                EventTypes.APPROVAL_REQUESTED,
                                new ApprovalRequested(
                                        approvalId,
                                        activation,
                                        "activation",
                                        1,
                                        1,
                                        "Contoso ICM",
                                        ticket[0],
                                        ALINE,
                                        ROLE,
                                        "Privileged Authentication Administrator",
                                        "/",
                                        "PT5H",
                                        DemoCommand.APPROVAL_JUSTIFICATION,
                                        List.of(NORA),
                                        false,
                                        true,
                                        now,
                                        now.plus(Duration.ofDays(1)),
                                        "http://localhost:8080/approve/" + approvalId));
                    }
                }
                case EventTypes.TICKET_CLOSED -> {
                    if (activated) {
                        DemoCommandTest.schedule(simulator.baseUrl(), "adminRemove", ROLE);
                        bus.answer(
                                "pim.revocations",
                                ALINE,
                                EventTypes.ACTIVATION_REVOKED,
                                new ActivationRevoked(
                                        activation,
                                        ALINE,
                                        ROLE,
                                        "/",
                                        "Contoso ICM",
                                        ticket[0],
                                        Reason.TICKET_CLOSED.wire(),
                                        now));
                    }
                }
                default -> {}
            }
        });
    }

    /** Whether the fake orchestrator activated the role (after Nora's decision): closing the ticket then revokes it. */
    private volatile boolean activated;

    /** ticket.activation-requested: the request for the approval role, answered with pending-mfa and the challenge. */
    private void answerChallenge(FakeBus.Published p, FakeBus bus) {
        if (!p.type().equals(EventTypes.TICKET_ACTIVATION_REQUESTED)) {
            return;
        }
        JsonNode data = p.event().path("data");
        ticket[0] = data.path("ticketNumber").asText();
        assertThat(data.path("principalId").asText()).isEqualTo(ALINE);
        assertThat(data.path("roleDefinitionId").asText()).isEqualTo(ROLE);
        assertThat(data.path("justification").asText()).isEqualTo(DemoCommand.APPROVAL_JUSTIFICATION);
        status(bus, Status.PENDING_MFA, null);
        bus.answer(
                "pim.mfa.challenges",
                ALINE,
                EventTypes.MFA_CHALLENGE,
                new MfaChallenge(
                        challenge,
                        activation,
                        ALINE,
                        ROLE,
                        "Privileged Authentication Administrator",
                        "Contoso ICM",
                        ticket[0],
                        Instant.now().plus(Duration.ofMinutes(5)),
                        "http://localhost:8080/confirm/" + challenge));
    }

    private void status(FakeBus bus, Status status, String reason) {
        bus.answer(
                "pim.activations",
                activation,
                EventTypes.ACTIVATION_STATUS,
                new ActivationStatus(
                        activation,
                        "Contoso ICM",
                        ticket[0],
                        ALINE,
                        ROLE,
                        "/",
                        status.wire(),
                        reason,
                        null,
                        null,
                        null));
    }

    private static void admin(FakeOrchestrator.Request r) {
        assertThat(r.authorization()).as("engine REST as the admin").isEqualTo(ADMIN_AUTH);
    }

    private void nora(FakeOrchestrator.Request r) {
        assertThat(r.authorization())
                .as("as Nora's login")
                .isEqualTo(FakeOrchestrator.basic(LOGIN, passwords.get(LOGIN)));
    }

    private CliRun demo(FakeBus bus, String... args) {
        return run(api, bus, args);
    }

    /** {@code pimctl demo --approval} against {@code orchestrator} and the simulator, with ✔ marks. */
    private static CliRun run(FakeOrchestrator orchestrator, FakeBus bus, String... args) {
        List<String> all = new ArrayList<>(List.of("demo", "--approval", "--url", orchestrator.url()));
        all.addAll(List.of(args));
        all.addAll(List.of("--graph-base-url", simulator.baseUrl()));
        return CliRun.run(
                cli -> {
                    ((Pimctl) cli.getCommand()).environment = FakeOrchestrator.environment();
                    DemoCommand demo =
                            (DemoCommand) cli.getSubcommands().get("demo").getCommand();
                    demo.environment = Map.of();
                    demo.unicode = true;
                    if (bus != null) {
                        demo.buses = (settings, topics) -> {
                            assertThat(topics)
                                    .containsExactly(
                                            "pim.mfa.challenges",
                                            "pim.activations",
                                            "pim.approvals",
                                            "pim.revocations");
                            return bus;
                        };
                    }
                },
                all.toArray(String[]::new));
    }

    private void assertStepFailed(CliRun run, String step, String... mentions) {
        assertThat(run.exitCode())
                .as("exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err())
                .isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines()[0]).startsWith("pimctl: demo " + step + " failed: ");
        for (String m : mentions) {
            assertThat(run.errLines()[0]).contains(m);
        }
        assertThat(run.out()).containsPattern("(?m)^\\[ *\\d+\\.\\ds] ✘ ");
        assertThat(run.out() + run.err()).doesNotContain(FakeOrchestrator.PASSWORD);
        if (passwords.containsKey(LOGIN)) {
            assertThat(run.out() + run.err()).doesNotContain(passwords.get(LOGIN));
        }
        assertThat(api.webhookFailures).isEmpty();
    }

    private static void assertInOrder(String out, String... lines) {
        int from = 0;
        for (String line : lines) {
            int at = out.indexOf(line, from);
            assertThat(at).as("%s%nin order in:%n%s", line, out).isGreaterThanOrEqualTo(from);
            from = at + line.length();
        }
    }

    private static Map<String, String> query(String query) {
        Map<String, String> q = new java.util.HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(
                        kv[0],
                        kv.length > 1
                                ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8)
                                : "");
            }
        }
        return q;
    }

    private static ObjectNode json(String body) {
        try {
            return (ObjectNode) Events.mapper().readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static JsonNode claims(String jws) {
        try {
            return Events.mapper().readTree(Base64.getUrlDecoder().decode(jws.split("\\.")[1]));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
