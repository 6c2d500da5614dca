package dev.pimflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code activations list}, {@code activation revoke}, {@code audit show} and {@code audit verify} against a fake of the
 * orchestrator's REST API: what they print, their one-line errors and exit codes, and that the password never shows.
 */
class RestCommandsTest {
    static final String ACTIVATION = "9a0e6f52-3c1d-4b7a-8e2f-5d6c7b8a9f01";
    static final String OTHER = "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d";
    static final String ALINE = TutorialTenant.ALINE_ID;
    static final String ROLE = TutorialTenant.USER_ADMINISTRATOR_ROLE_ID;

    static final String ACTIVE = """
            {"id":"%s","ticketSystem":"Contoso ICM","ticketNumber":"CONTOSO:Security-012345","principalId":"%s",
             "roleDefinitionId":"%s","directoryScopeId":"/","justification":"Need to invalidate all app refresh tokens for Contoso users.",
             "requestedDuration":"PT5H","roleDisplayName":"User Administrator","status":"active","reason":null,
             "processInstanceId":"p-1","challengeId":"c-1","challengeExpiresAt":"2025-06-02T10:05:00Z",
             "startDateTime":"2025-06-02T10:00:03.123Z","endDateTime":"2025-06-02T15:00:03.123Z","pimRequestId":"r-1",
             "requestEventId":"e-1","createdAt":"2025-06-02T10:00:00.456Z","updatedAt":"2025-06-02T10:00:03Z"}
            """.formatted(ACTIVATION, ALINE, ROLE);
    static final String DENIED = """
            {"id":"%s","ticketSystem":"Contoso ICM","ticketNumber":"INC-4711","principalId":"%s",
             "roleDefinitionId":"%s","directoryScopeId":"/","justification":"x","requestedDuration":"PT9H",
             "roleDisplayName":null,"status":"denied","reason":"duration-exceeds-maximum","endDateTime":null,
             "createdAt":"2025-06-01T08:00:00Z"}
            """.formatted(OTHER, ALINE, ROLE);
    static final String TRAIL = """
            {"activation": %s,
             "audit": [
              {"seq":41,"activationId":"%s","at":"2025-06-02T10:00:00.456Z","actor":"ticket-system:Contoso ICM","action":"requested",
               "outcome":"accepted","ticketSystem":"Contoso ICM","ticketNumber":"CONTOSO:Security-012345","principalId":"%s",
               "roleDefinitionId":"%s","details":{"eventId":"e-1","duration":"PT5H","directoryScopeId":"/",
               "justification":"Need to invalidate all app refresh tokens for Contoso users."},"prevHash":"aa","hash":"bb"},
              {"seq":42,"activationId":"%s","at":"2025-06-02T10:00:01Z","actor":"pimflow","action":"mfa-challenged","outcome":"sent",
               "details":{"challengeId":"c-1","expiresAt":"2025-06-02T10:05:00Z"},"prevHash":"bb","hash":"cc"},
              {"seq":45,"activationId":"%s","at":"2025-06-02T10:00:03Z","actor":"pimflow","action":"activated","outcome":"active",
               "details":{"pimRequestId":"r-1","adoptedAfterRetry":false},"prevHash":"cc","hash":"dd"}
             ]}
            """.formatted(ACTIVE, ACTIVATION, ALINE, ROLE, ACTIVATION, ACTIVATION);

    private FakeOrchestrator api;
    private final List<CliRun> runs = new ArrayList<>();

    @BeforeEach
    void start() {
        api = new FakeOrchestrator();
    }

    @AfterEach
    void stop() {
        api.close();
        for (CliRun run : runs) {
            assertThat(run.out() + run.err())
                    .as("the password is never printed")
                    .doesNotContain(FakeOrchestrator.PASSWORD);
        }
    }

    /** pimctl with --url of the fake and the given environment (the admin password, unless a test says otherwise). */
    private CliRun pimctl(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--url")) {
            all.add("--url");
            all.add(api.url());
        }
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
    }

    // ---------------------------------------------------------------- activations list

    @Test
    void listPrintsATableAndSendsTheFilters() {
        api.on("GET", "/api/activations", 200, "[" + ACTIVE + "," + DENIED + "]");

        CliRun run = pimctl(
                "activations",
                "list",
                "--ticket",
                "CONTOSO:Security-012345",
                "--principal",
                ALINE.toUpperCase(),
                "--status",
                "active");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        String[] lines = run.out().split("\\R");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).matches("ID +TICKET +PRINCIPAL +ROLE +STATUS +REASON +END");
        assertThat(lines[1])
                .startsWith(ACTIVATION + "  CONTOSO:Security-012345  " + ALINE + "  User Administrator  ")
                .contains("active")
                .endsWith("2025-06-02T15:00:03Z");
        // no display name: the role id; no end: "-"
        assertThat(lines[2])
                .startsWith(OTHER + "  INC-4711")
                .contains(ROLE)
                .contains("denied")
                .contains("duration-exceeds-maximum")
                .endsWith("-");
        // the columns line up
        assertThat(lines[1].indexOf("User Administrator")).isEqualTo(lines[0].indexOf("ROLE"));

        FakeOrchestrator.Request sent = api.requests.get(0);
        assertThat(sent.method()).isEqualTo("GET");
        assertThat(sent.query())
                .isEqualTo("ticket=CONTOSO%3ASecurity-012345&principal=" + ALINE + "&status=active&limit=100");
        assertThat(sent.authorization()).startsWith("Basic ");
    }

    @Test
    void listAsJsonIsOneActivationPerLine() throws Exception {
        api.on("GET", "/api/activations", 200, "[" + ACTIVE + "," + DENIED + "]");

        CliRun run = pimctl("activations", "list", "--json");

        assertThat(run.exitCode()).isZero();
        String[] lines = run.out().split("\\R");
        assertThat(lines).hasSize(2);
        JsonNode first = Events.mapper().readTree(lines[0]);
        assertThat(first.path("id").asText()).isEqualTo(ACTIVATION);
        assertThat(first.path("pimRequestId").asText()).isEqualTo("r-1");
        assertThat(Events.mapper().readTree(lines[1]).path("status").asText()).isEqualTo("denied");
    }

    @Test
    void listSaysWhenThereAreNone() {
        api.on("GET", "/api/activations", 200, "[]");

        CliRun run = pimctl("activation", "list", "--ticket", "INC-1");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .isEqualTo("No activations with ticket INC-1 at " + api.url() + "." + System.lineSeparator());
    }

    @Test
    void listWarnsWhenTheLimitCutsItShort() {
        api.on("GET", "/api/activations", 200, "[" + ACTIVE + "]");

        CliRun run = pimctl("activations", "list", "--limit", "1");

        assertThat(run.exitCode()).isZero();
        assertThat(run.errLines())
                .containsExactly("pimctl: warning: showing the newest 1 activations only; there may be more "
                        + "(raise --limit, or filter)");
    }

    @Test
    void wrongPasswordIsOneLineTellingToSetPimAdminPassword() {
        CliRun run = pimctl(Map.of(Pimctl.PASSWORD_ENV, "not-the-password"), "activations", "list");

        assertOneLineError(
                run,
                1,
                "the orchestrator at " + api.url() + " refused user 'admin' (401 Unauthorized)",
                "set PIM_ADMIN_PASSWORD");
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).doesNotContain("not-the-password");
    }

    @Test
    void noPasswordIsAUsageErrorBeforeAnyRequest() {
        CliRun run = pimctl(Map.of(), "activations", "list");

        assertOneLineError(run, 2, "no password for user 'admin'", "set PIM_ADMIN_PASSWORD", "--password-file");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void passwordFileIsReadAndPreferred(@TempDir Path dir) throws Exception {
        api.on(
                "GET",
                "/api/audit/verify",
                200,
                "{\"intact\":true,\"recordsChecked\":3,\"firstBadSeq\":null,\"problem\":null}");
        Path file = dir.resolve("password");
        Files.writeString(file, FakeOrchestrator.PASSWORD + "\n");

        CliRun ok = pimctl(Map.of(Pimctl.PASSWORD_ENV, "wrong"), "audit", "verify", "--password-file", file.toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();

        Files.writeString(file, "wrong\n");
        CliRun refused = pimctl(Map.of(), "--password-file", file.toString(), "audit", "verify");
        assertOneLineError(refused, 1, "(401 Unauthorized)", "check --password-file " + file, "PIM_ADMIN_PASSWORD");

        CliRun missing = pimctl(
                Map.of(),
                "audit",
                "verify",
                "--password-file",
                dir.resolve("nope").toString());
        assertOneLineError(missing, 2, "'--password-file'", "cannot be read");
    }

    @Test
    void aPasswordOptionIsRefusedWithoutEchoingIt() {
        for (String[] args : List.of(
                new String[] {"activations", "list", "--password", FakeOrchestrator.PASSWORD},
                new String[] {"--password=" + FakeOrchestrator.PASSWORD, "audit", "verify"})) {
            CliRun run = pimctl(args);
            assertOneLineError(
                    run,
                    2,
                    "option '--password' is not supported",
                    "process lists",
                    "set PIM_ADMIN_PASSWORD",
                    "--password-file");
        }
        assertThat(api.requests).isEmpty();
        assertThat(CliRun.run("--help").out()).doesNotContain("--password=").doesNotContain("<refused>");
    }

    @Test
    void unreachableOrchestratorIsOneLine() {
        int port = FakeOrchestrator.closedPort();
        CliRun run = CliRun.run(
                cli -> ((Pimctl) cli.getCommand()).environment = FakeOrchestrator.environment(),
                "activations",
                "list",
                "--url",
                "http://127.0.0.1:" + port);
        runs.add(run);

        assertOneLineError(
                run,
                1,
                "cannot reach the orchestrator at http://127.0.0.1:" + port + " (connection refused): "
                        + "is it running? (set --url or PIMFLOW_URL)");
    }

    @Test
    void serverErrorsAndStrangersAreOneLine() {
        api.on("GET", "/api/activations", 500, "{\"error\":\"database down\"}");
        assertOneLineError(
                pimctl("activations", "list"), 1, "GET " + api.url() + "/api/activations answered 500: database down");

        api.on("GET", "/api/activations", 200, "<html>hello</html>");
        assertOneLineError(pimctl("activations", "list"), 1, "did not answer a JSON array", "check --url");
    }

    @Test
    void listChecksItsFilters() {
        assertOneLineError(pimctl("activations", "list", "--status", "happy"), 2, "'--status'", "pending-mfa");
        assertOneLineError(pimctl("activations", "list", "--principal", "aline"), 2, "'--principal'", "is not a GUID");
        assertOneLineError(pimctl("activations", "list", "--limit", "0"), 2, "'--limit'");
        assertOneLineError(
                pimctl("activations", "list", "--url", "localhost:8080"), 2, "'--url'", "is not an http(s) URL");
        assertThat(api.requests).isEmpty();
    }

    // ---------------------------------------------------------------- activation revoke

    @Test
    void revokePrintsTheResult() throws Exception {
        api.on(
                "POST",
                "/api/activations/" + ACTIVATION + "/revoke",
                202,
                "{\"activationId\":\"" + ACTIVATION + "\",\"status\":\"revoke-requested\"}");

        CliRun run = pimctl("activation", "revoke", ACTIVATION, "--reason", "incident resolved early");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .startsWith("revoke requested for activation " + ACTIVATION + " (HTTP 202, status revoke-requested)")
                .contains("activation.revoked");
        FakeOrchestrator.Request sent = api.requests.get(0);
        assertThat(Events.mapper().readTree(sent.body()).path("reason").asText())
                .isEqualTo("incident resolved early");
        assertThat(sent.userAgent())
                .as("how the orchestrator's audit names the surface (RequestSurface: 'pimctl')")
                .startsWith("pimctl");
    }

    @Test
    void revokeOfAnUnknownActivationIsOneLine() {
        api.on(
                "POST",
                "/api/activations/" + ACTIVATION + "/revoke",
                404,
                "{\"error\":\"no activation " + ACTIVATION + "\"}");

        CliRun run = pimctl("activation", "revoke", ACTIVATION, "--reason", "done");

        assertOneLineError(run, 1, "no activation " + ACTIVATION + " at " + api.url(), "pimctl activations list");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void revokeOfAnInactiveActivationIsOneLine() {
        api.on(
                "POST",
                "/api/activations/" + ACTIVATION + "/revoke",
                409,
                "{\"error\":\"activation " + ACTIVATION + " is revoked, not active\"}");

        CliRun run = pimctl("activation", "revoke", ACTIVATION, "--reason", "done");

        assertOneLineError(
                run,
                1,
                "activation " + ACTIVATION + " is revoked, not active: only an active activation can be revoked");
    }

    @Test
    void revokeRefusedByTheServerIsOneLine() {
        api.on("POST", "/api/activations/" + ACTIVATION + "/revoke", 400, "{\"error\":\"reason: required\"}");

        CliRun run = pimctl("activation", "revoke", ACTIVATION, "--reason", "done");

        assertOneLineError(run, 1, "the orchestrator refused the revoke request: reason: required");
    }

    @Test
    void revokeChecksItsInputsBeforeCalling() {
        assertOneLineError(pimctl("activation", "revoke", ACTIVATION), 2, "Missing required option", "--reason");
        assertOneLineError(pimctl("activation", "revoke", "42", "--reason", "x"), 2, "'<id>'", "is not a GUID");
        assertOneLineError(
                pimctl("activation", "revoke", ACTIVATION, "--reason", "x".repeat(501)), 2, "'--reason'", "500");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void revokeWithAWrongPasswordTellsToSetIt() {
        CliRun run = pimctl(Map.of(Pimctl.PASSWORD_ENV, "nope"), "activation", "revoke", ACTIVATION, "--reason", "x");
        assertOneLineError(run, 1, "401", "PIM_ADMIN_PASSWORD");
    }

    // ---------------------------------------------------------------- audit show

    @Test
    void auditShowPrintsTheTrailAsATimeline() {
        api.on("GET", "/api/activations/" + ACTIVATION, 200, TRAIL);

        CliRun run = pimctl("audit", "show", ACTIVATION);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        String out = run.out();
        assertThat(out)
                .containsPattern("(?m)^Activation +" + ACTIVATION + "$")
                .containsPattern("(?m)^  ticket +Contoso ICM / CONTOSO:Security-012345$")
                .containsPattern("(?m)^  role +User Administrator \\(" + ROLE + "\\), scope /$")
                .containsPattern("(?m)^  status +active$")
                .containsPattern("(?m)^  active +2025-06-02T10:00:03Z to 2025-06-02T15:00:03Z$");
        List<String> timeline = out.lines().dropWhile(l -> !l.startsWith("SEQ")).toList();
        assertThat(timeline).hasSize(4);
        assertThat(timeline.get(0)).matches("SEQ +TIME +ACTOR +ACTION +OUTCOME +DETAILS");
        assertThat(timeline.get(1))
                .matches(
                        "41 +2025-06-02T10:00:00Z +ticket-system:Contoso ICM +requested +accepted +"
                                + "eventId=e-1 duration=PT5H directoryScopeId=/ justification=\"Need to invalidate all app refresh tokens for Contoso users.\"");
        assertThat(timeline.get(2))
                .matches(
                        "42 +2025-06-02T10:00:01Z +pimflow +mfa-challenged +sent +challengeId=c-1 expiresAt=2025-06-02T10:05:00Z");
        assertThat(timeline.get(3))
                .matches(
                        "45 +2025-06-02T10:00:03Z +pimflow +activated +active +pimRequestId=r-1 adoptedAfterRetry=false");
        assertThat(out).doesNotContain("prevHash");
    }

    @Test
    void auditShowAsJsonIsTheAnswerWhole() throws Exception {
        api.on("GET", "/api/activations/" + ACTIVATION, 200, TRAIL);

        CliRun run = pimctl("audit", "show", ACTIVATION, "--json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines().count()).isEqualTo(1);
        JsonNode answer = Events.mapper().readTree(run.out());
        assertThat(answer).isEqualTo(Events.mapper().readTree(TRAIL));
    }

    @Test
    void auditShowOfAnUnknownActivationIsOneLine() {
        api.on("GET", "/api/activations/" + ACTIVATION, 404, "{\"error\":\"no activation " + ACTIVATION + "\"}");

        CliRun run = pimctl("audit", "show", ACTIVATION);

        assertOneLineError(run, 1, "no activation " + ACTIVATION + " at " + api.url());
        assertThat(run.out()).isEmpty();
    }

    // ---------------------------------------------------------------- audit verify

    @Test
    void verifyOfAnIntactChainExitsZero() {
        api.on(
                "GET",
                "/api/audit/verify",
                200,
                "{\"intact\":true,\"recordsChecked\":42,\"firstBadSeq\":null,\"problem\":null}");

        CliRun run = pimctl("audit", "verify");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("audit chain intact (42 records)" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void verifyOfABrokenChainExitsThree() {
        api.on(
                "GET",
                "/api/audit/verify",
                200,
                "{\"intact\":false,\"recordsChecked\":17,\"firstBadSeq\":17,\"problem\":\"hash does not match the record\"}");

        CliRun run = pimctl("audit", "verify");

        assertThat(run.exitCode()).isEqualTo(Pimctl.EXIT_VERIFICATION_FAILED).isEqualTo(3);
        assertThat(run.out())
                .isEqualTo("audit chain BROKEN at seq 17: hash does not match the record" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void verifyOfAnIntactChainComparedWithItsWitnessSaysSo() {
        api.on("GET", "/api/audit/verify", 200, """
                {"intact":true,"recordsChecked":42,"firstBadSeq":null,"problem":null,"recordsPending":0,"recordsUnkeyed":0,
                 "keyedFromSeq":1,"witness":{"checked":true,"source":"pim.audit","seq":42,"hash":"ab","at":"2026-12-02T00:00:00Z",
                 "checkpointsCompared":3,"checkpointsRejected":0,"problem":null}}""");

        CliRun run = pimctl("audit", "verify");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .isEqualTo("audit chain intact (42 records, matches the checkpoint of seq 42 on pim.audit)"
                        + System.lineSeparator());
    }

    @Test
    void verifyOfAChainRewrittenByAKeyHolderExitsThreeWithTheWitnessesWord() {
        api.on("GET", "/api/audit/verify", 200, """
                {"intact":false,"recordsChecked":42,"firstBadSeq":40,"problem":"record 40 does not have the hash pim.audit witnessed for it",
                 "recordsPending":0,"recordsUnkeyed":0,"keyedFromSeq":1,"witness":{"checked":true,"source":"pim.audit","seq":40,"hash":"ab",
                 "at":"2026-12-02T00:00:00Z","checkpointsCompared":1,"checkpointsRejected":0,
                 "problem":"record 40 does not have the hash pim.audit witnessed for it"}}""");

        CliRun run = pimctl("audit", "verify");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out())
                .isEqualTo("audit chain BROKEN at seq 40: record 40 does not have the hash pim.audit witnessed for it"
                        + System.lineSeparator());
    }

    @Test
    void verifyQualifiesAnIntactVerdictThatNoWitnessBacks() {
        api.on("GET", "/api/audit/verify", 200, """
                {"intact":true,"recordsChecked":12,"firstBadSeq":null,"problem":null,"recordsPending":0,"recordsUnkeyed":5,
                 "keyedFromSeq":6,"witness":{"checked":false,"source":"pim.audit","seq":null,"hash":null,"at":null,
                 "checkpointsCompared":0,"checkpointsRejected":2,"problem":"pim.audit could not be read: timeout"}}""");

        CliRun run = pimctl("audit", "verify");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines().toList())
                .containsExactly(
                        "audit chain intact (12 records)",
                        "note: records 1-5 were chained before the chain was keyed (plain SHA-256); the keyed chain after them pins them",
                        "warning: not compared with the checkpoints outside the database: pim.audit could not be read: timeout "
                                + "(a rewrite by someone who holds the audit key would not show)",
                        "warning: 2 checkpoints on pim.audit carry a MAC that does not verify: someone without the audit key writes to the topic");
    }

    @Test
    void verifyWithAWrongPasswordIsARuntimeFailureNotAVerdict() {
        CliRun run = pimctl(Map.of(Pimctl.PASSWORD_ENV, "nope"), "audit", "verify");
        assertOneLineError(run, 1, "401", "set PIM_ADMIN_PASSWORD");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void exitCodeThreeIsDocumentedWhereItHappens() {
        for (String[] args : List.of(new String[] {"audit", "verify", "--help"}, new String[] {"--help"})) {
            CliRun run = CliRun.run(args);
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).containsPattern("(?m)^\\s+3\\s+verification failed");
        }
        CliRun list = CliRun.run("activations", "list", "--help");
        assertThat(list.out()).contains("Exit codes:").doesNotContainPattern("(?m)^\\s+3\\s+verification failed");
    }

    @Test
    void restOptionsAreDocumented() {
        CliRun run = CliRun.run(cli -> {}, "audit", "show", "--help");
        assertThat(run.out())
                .contains("--url=<url>")
                .contains("PIMFLOW_URL")
                .contains("--user=<name>")
                .contains("--password-file=<file>")
                .contains("PIM_ADMIN_PASSWORD");
    }
}
