package dev.pimflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code approvals list|approve|deny} against a fake of the orchestrator's REST API (the
 * issue 15 contract): what they send and print, the server's refusals as one line with exit 1, and the local checks of
 * their shape as usage errors (exit 2) before any call.
 */
class ApprovalCommandsTest {
    static final String APPROVAL = "5e1c2b3a-4d5f-4a6b-9c7d-8e9f0a1b2c3d";
    static final String OTHER_APPROVAL = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f";
    static final String ACTIVATION = RestCommandsTest.ACTIVATION;
    static final String ALINE = TutorialTenant.ALINE_ID;
    static final String ROLE = TutorialTenant.USER_ADMINISTRATOR_ROLE_ID;
    static final String APPROVER = "7c6b5a49-3827-4d16-a5f4-e3d2c1b0a998";
    static final String APPROVER_PASSWORD = "Fake-Approver-Pa55word-2x7q";

    static final String PENDING = """
            {"approvalId":"%s","activationId":"%s","purpose":"activation","stage":1,"stages":2,"status":"pending",
             "ticketSystem":"Contoso ICM","ticketNumber":"CONTOSO:Security-012345","principalId":"%s",
             "roleDefinitionId":"%s","roleDisplayName":"User Administrator","directoryScopeId":"/","duration":"PT5H",
             "justification":"Need to invalidate all app refresh tokens for Contoso users.","approvers":["%s"],
             "escalated":false,"approverJustificationRequired":true,"requestedAt":"2025-06-02T10:00:02.123Z",
             "dueAt":"2025-06-03T10:00:02.123Z","decidedBy":null,"decidedAt":null,"decisionJustification":null,"channel":null}
            """.formatted(APPROVAL, ACTIVATION, ALINE, ROLE, APPROVER);
    static final String DENIED_EXTENSION = """
            {"approvalId":"%s","activationId":"%s","purpose":"extension","stage":1,"stages":1,"status":"denied",
             "ticketSystem":"Contoso ICM","ticketNumber":"INC-4711","principalId":"%s","roleDefinitionId":"%s",
             "roleDisplayName":null,"directoryScopeId":"/","duration":"PT2H","justification":"x","approvers":["%s"],
             "escalated":false,"approverJustificationRequired":false,"requestedAt":"2025-06-01T08:00:00Z",
             "dueAt":null,"decidedBy":"%s","decidedAt":"2025-06-01T08:10:00Z","decisionJustification":"no","channel":"api"}
            """.formatted(OTHER_APPROVAL, ACTIVATION, ALINE, ROLE, APPROVER, APPROVER);
    /** The first stage approved: the approval moves on to its second stage, still pending. */
    static final String SECOND_STAGE = PENDING.replace("\"stage\":1", "\"stage\":2");

    private FakeOrchestrator api;
    private final List<CliRun> runs = new ArrayList<>();

    @BeforeEach
    void start() {
        api = new FakeOrchestrator().login("approver", APPROVER_PASSWORD);
    }

    @AfterEach
    void stop() {
        api.close();
        for (CliRun run : runs) {
            assertThat(run.out() + run.err())
                    .as("no password is ever printed")
                    .doesNotContain(FakeOrchestrator.PASSWORD)
                    .doesNotContain(APPROVER_PASSWORD);
        }
    }

    private CliRun pimctl(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url");
        all.add(api.url());
        CliRun run = CliRun.run(cli -> ((Pimctl) cli.getCommand()).environment = env, all.toArray(String[]::new));
        runs.add(run);
        return run;
    }

    private CliRun pimctl(String... args) {
        return pimctl(FakeOrchestrator.environment(), args);
    }

    private static void assertOneLineError(CliRun run, int exitCode, String... mentions) {
        assertThat(run.exitCode())
                .as("exit code; stdout: %s stderr: %s", run.out(), run.err())
                .isEqualTo(exitCode);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines()[0]).startsWith("pimctl: ");
        for (String m : mentions) {
            assertThat(run.errLines()[0]).contains(m);
        }
        assertThat(run.out()).isEmpty();
    }

    private JsonNode sentBody() throws Exception {
        assertThat(api.requests).hasSize(1);
        return Events.mapper().readTree(api.requests.get(0).body());
    }

    private String decision(String id) {
        return "/api/approvals/" + id + "/decision";
    }

    private String extension(String id) {
        return "/api/activations/" + id + "/extension";
    }

    // ---------------------------------------------------------------- approvals list

    @Test
    void listPrintsThePendingApprovalsAsATable() {
        api.on("GET", "/api/approvals", 200, "[" + PENDING + "]");

        CliRun run = pimctl("approvals", "list");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        String[] lines = run.out().split("\\R");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).matches("ID +TICKET +PRINCIPAL +ROLE +STAGE +PURPOSE +STATUS +DUE");
        assertThat(lines[1])
                .matches(APPROVAL + "  CONTOSO:Security-012345  " + ALINE
                        + "  User Administrator  1/2 +activation +pending +2025-06-03T10:00:02Z");
        assertThat(lines[1].indexOf("1/2")).isEqualTo(lines[0].indexOf("STAGE"));
        FakeOrchestrator.Request sent = api.requests.get(0);
        assertThat(sent.method()).isEqualTo("GET");
        assertThat(sent.query()).isEqualTo("status=pending");
    }

    @Test
    void listAllAsksForEveryApprovalAndShowsDecidedOnes() {
        api.on("GET", "/api/approvals", 200, "[" + PENDING + "," + DENIED_EXTENSION + "]");

        CliRun run = pimctl("approval", "list", "--all");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(api.requests.get(0).query()).isEqualTo("status=all");
        String[] lines = run.out().split("\\R");
        assertThat(lines).hasSize(3);
        // no display name: the role id; no due time: "-"
        assertThat(lines[2])
                .matches(OTHER_APPROVAL + "  INC-4711 +" + ALINE + "  " + ROLE + "  1/1 +extension +denied +-");
    }

    @Test
    void listSaysWhenThereAreNone() {
        api.on("GET", "/api/approvals", 200, "[]");

        assertThat(pimctl("approvals", "list").out())
                .isEqualTo("No pending approvals at " + api.url() + "." + System.lineSeparator());
        assertThat(pimctl("approvals", "list", "--all").out())
                .isEqualTo("No approvals at " + api.url() + "." + System.lineSeparator());
    }

    @Test
    void listAsJsonIsOneApprovalPerLine() throws Exception {
        api.on("GET", "/api/approvals", 200, "[" + PENDING + "," + DENIED_EXTENSION + "]");

        CliRun run = pimctl("approvals", "list", "--all", "--json");

        assertThat(run.exitCode()).isZero();
        String[] lines = run.out().split("\\R");
        assertThat(lines).hasSize(2);
        assertThat(Events.mapper().readTree(lines[0])).isEqualTo(Events.mapper().readTree(PENDING));
        assertThat(Events.mapper()
                        .readTree(lines[1])
                        .path("decisionJustification")
                        .asText())
                .isEqualTo("no");
    }

    @Test
    void listServerErrorsAreOneLine() {
        api.on("GET", "/api/approvals", 500, "{\"error\":\"database down\"}");
        assertOneLineError(
                pimctl("approvals", "list"), 1, "GET " + api.url() + "/api/approvals answered 500: database down");

        api.on("GET", "/api/approvals", 403, "");
        assertOneLineError(pimctl("approvals", "list"), 1, "403 Forbidden", "--user");

        CliRun wrong = pimctl(Map.of(Pimctl.PASSWORD_ENV, "nope"), "approvals", "list");
        assertOneLineError(wrong, 1, "401", "PIM_ADMIN_PASSWORD");
    }

    // ---------------------------------------------------------------- approvals approve / deny

    @Test
    void approveSendsTheDecisionAsTheGivenLoginAndPrintsTheApprovalAsItIsNow() throws Exception {
        api.on("POST", decision(APPROVAL), 200, SECOND_STAGE);

        CliRun run = pimctl(
                Map.of(Pimctl.PASSWORD_ENV, APPROVER_PASSWORD),
                "approvals",
                "approve",
                APPROVAL.toUpperCase(),
                "--user",
                "approver",
                "--justification",
                "  ticket checked with the on-call lead ");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .isEqualTo("decision approve recorded for approval " + APPROVAL
                        + " (HTTP 200): status pending, stage 2/2, activation of activation " + ACTIVATION
                        + " (ticket CONTOSO:Security-012345, User Administrator)" + System.lineSeparator());
        FakeOrchestrator.Request sent = api.requests.get(0);
        assertThat(sent.path()).as("the id as the API writes it").isEqualTo(decision(APPROVAL));
        assertThat(sent.authorization())
                .isEqualTo("Basic "
                        + java.util.Base64.getEncoder().encodeToString(("approver:" + APPROVER_PASSWORD).getBytes()));
        assertThat(sent.userAgent()).startsWith("pimctl");
        assertThat(sentBody())
                .isEqualTo(
                        Events.mapper()
                                .readTree(
                                        "{\"decision\":\"approve\",\"justification\":\"ticket checked with the on-call lead\"}"));
    }

    @Test
    void approveWithoutAJustificationSendsNone() throws Exception {
        api.on("POST", decision(APPROVAL), 200, PENDING.replace("\"status\":\"pending\"", "\"status\":\"approved\""));

        CliRun run = pimctl("approvals", "approve", APPROVAL);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .startsWith("decision approve recorded for approval " + APPROVAL + " (HTTP 200): status approved");
        assertThat(sentBody()).isEqualTo(Events.mapper().readTree("{\"decision\":\"approve\"}"));
    }

    @Test
    void denySendsTheDecisionWithItsJustification() throws Exception {
        api.on("POST", decision(APPROVAL), 200, PENDING.replace("\"status\":\"pending\"", "\"status\":\"denied\""));

        CliRun run = pimctl("approvals", "deny", APPROVAL, "--justification", "no incident open for this");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .startsWith("decision deny recorded for approval " + APPROVAL + " (HTTP 200): status denied");
        assertThat(sentBody())
                .isEqualTo(Events.mapper()
                        .readTree("{\"decision\":\"deny\",\"justification\":\"no incident open for this\"}"));
    }

    @Test
    void denyWithoutAJustificationIsSentAndTheServersRefusalShown() throws Exception {
        api.on("POST", decision(APPROVAL), 400, "{\"error\":\"justification: required by the role's policy\"}");

        CliRun run = pimctl("approvals", "deny", APPROVAL);

        assertOneLineError(
                run, 1, "the orchestrator refused the decision: justification: required by the role's policy");
        assertThat(sentBody())
                .as("whether a justification is required is the server's call")
                .isEqualTo(Events.mapper().readTree("{\"decision\":\"deny\"}"));
    }

    @Test
    void aLoginThatIsNotAnApproverOfTheStageSeesTheServersReason() {
        api.on(
                "POST",
                decision(APPROVAL),
                403,
                "{\"error\":\"approver: " + APPROVER + " is not an approver of stage 1 of approval " + APPROVAL
                        + "\"}");

        CliRun run = pimctl("approvals", "approve", APPROVAL);

        assertOneLineError(
                run,
                1,
                "does not let user 'admin' decide approval " + APPROVAL + " (403 Forbidden)",
                "is not an approver of stage 1 of approval " + APPROVAL);
        assertThat(run.err()).doesNotContain("use the admin user");
    }

    @Test
    void aLoginWithoutTheApproverRoleIsToldToUseAnotherUser() {
        // Spring Security's refusal of the role: no {"error"} body
        api.on("POST", decision(APPROVAL), 403, "");

        CliRun run = pimctl("approvals", "approve", APPROVAL);

        assertOneLineError(run, 1, "403 Forbidden", "--user");
    }

    @Test
    void decidingAnUnknownApprovalIsOneLine() {
        api.on("POST", decision(APPROVAL), 404, "{\"error\":\"no approval " + APPROVAL + "\"}");

        CliRun run = pimctl("approvals", "deny", APPROVAL, "--justification", "x");

        assertOneLineError(run, 1, "no approval " + APPROVAL + " at " + api.url(), "pimctl approvals list");
    }

    @Test
    void decidingADecidedApprovalIsOneLine() {
        api.on("POST", decision(APPROVAL), 409, "{\"error\":\"approval " + APPROVAL + " is approved, not pending\"}");

        CliRun run = pimctl("approvals", "approve", APPROVAL);

        assertOneLineError(
                run,
                1,
                "approval " + APPROVAL + " is approved, not pending: only a pending approval can be decided",
                "pimctl approvals list --all");
    }

    @Test
    void decideChecksItsShapeBeforeCalling() {
        assertOneLineError(pimctl("approvals", "approve", "42"), 2, "'<approvalId>'", "is not a GUID");
        assertOneLineError(pimctl("approvals", "deny", "approval-1", "--justification", "x"), 2, "'<approvalId>'");
        assertOneLineError(
                pimctl("approvals", "deny", APPROVAL, "--justification", "x".repeat(501)),
                2,
                "'--justification'",
                "longer than 500");
        assertOneLineError(
                pimctl("approvals", "approve", APPROVAL, "--justification", "   "),
                2,
                "'--justification'",
                "must not be empty");
        assertOneLineError(pimctl("approvals", "approve"), 2, "Missing required parameter", "<approvalId>");
        assertThat(api.requests).isEmpty();
        // 500 characters are fine
        api.on("POST", decision(APPROVAL), 200, PENDING);
        assertThat(pimctl("approvals", "deny", APPROVAL, "--justification", "x".repeat(500))
                        .exitCode())
                .isZero();
    }

    // ---------------------------------------------------------------- help

    @Test
    void theNewCommandsAreListedAndDocumented() {
        CliRun top = CliRun.run("--help");
        assertThat(top.out()).containsPattern("(?m)^\\s+approvals?, approvals?\\s+List the approvals");
        for (String[] args : List.of(
                new String[] {"approvals", "list", "--help"},
                new String[] {"approvals", "approve", "--help"},
                new String[] {"approvals", "deny", "--help"})) {
            CliRun run = CliRun.run(args);
            assertThat(run.exitCode()).isZero();
            assertThat(run.out())
                    .contains("--url=<url>")
                    .containsPattern("(?m)^\\s+1\\s+runtime failure")
                    .doesNotContainPattern("(?m)^\\s+3\\s+verification failed");
        }
    }
}
