package dev.pimflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code activations extend} against a fake of the orchestrator's REST API ({@code POST
 * /api/activations/{id}/extension}): what it sends and prints, the server's refusals as one line with exit 1, and its
 * local checks as usage errors (exit 2) before any request.
 */
class ActivationsExtendTest {
    static final String ACTIVATION = RestCommandsTest.ACTIVATION;
    static final String EXTENSION = "3f2e1d0c-9b8a-4765-a432-10fedcba9876";
    static final String REQUESTED = """
            {"activationId":"%s","extensionId":"%s","round":1,"status":"requested"}
            """.formatted(ACTIVATION, EXTENSION);

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

    private CliRun pimctl(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url");
        all.add(api.url());
        Map<String, String> env = FakeOrchestrator.environment();
        CliRun run = CliRun.run(cli -> ((Pimctl) cli.getCommand()).environment = env, all.toArray(String[]::new));
        runs.add(run);
        return run;
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

    private static String extension(String id) {
        return "/api/activations/" + id + "/extension";
    }

    private JsonNode sentBody() throws Exception {
        assertThat(api.requests).hasSize(1);
        return Events.mapper().readTree(api.requests.get(0).body());
    }

    // ---------------------------------------------------------------- what is sent

    @Test
    void sendsThePostWithDurationAndJustificationAsTheLogin() throws Exception {
        api.on("POST", extension(ACTIVATION), 202, REQUESTED);

        CliRun run = pimctl(
                "activations", "extend", ACTIVATION, "--duration", "PT1H", "--justification", "migration runs late");

        assertThat(run.exitCode()).as(run.err()).isZero();
        FakeOrchestrator.Request sent = api.requests.get(0);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo(extension(ACTIVATION));
        assertThat(sent.authorization())
                .isEqualTo(FakeOrchestrator.basic(FakeOrchestrator.USER, FakeOrchestrator.PASSWORD));
        assertThat(sent.header("Content-Type")).startsWith("application/json");
        assertThat(sent.userAgent()).startsWith("pimctl");
        assertThat(sentBody())
                .isEqualTo(
                        Events.mapper().readTree("{\"duration\":\"PT1H\",\"justification\":\"migration runs late\"}"));
    }

    @Test
    void sendsTheDurationAsIsoWritesItAndNoJustificationWhenNoneIsGiven() throws Exception {
        api.on("POST", extension(ACTIVATION), 202, REQUESTED);

        CliRun run = pimctl("activation", "extend", ACTIVATION.toUpperCase(), "--duration", "pt90m");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(api.requests.get(0).path()).as("the id in lower case").isEqualTo(extension(ACTIVATION));
        assertThat(sentBody()).isEqualTo(Events.mapper().readTree("{\"duration\":\"PT1H30M\"}"));
    }

    // ---------------------------------------------------------------- what is printed

    @Test
    void acceptedPrintsOneLineWithRoundExtensionIdAndWhatFollows() {
        api.on("POST", extension(ACTIVATION), 202, REQUESTED.replace("\"round\":1", "\"round\":2"));

        CliRun run = pimctl("activations", "extend", ACTIVATION, "--duration", "PT30M");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .isEqualTo("extension 2 of activation " + ACTIVATION + " requested (" + EXTENSION
                        + "): the person confirms with MFA again; approvers decide where the role's policy asks"
                        + System.lineSeparator());
    }

    @ParameterizedTest(name = "reason {0}")
    @ValueSource(strings = {"ticket-closed", "not-active", "extension-in-progress", "self-activate-mode"})
    void conflictShowsTheServersErrorAndReasonAndExitsOne(String reason) {
        api.on(
                "POST",
                extension(ACTIVATION),
                409,
                "{\"error\":\"activation " + ACTIVATION + " cannot be extended now\",\"reason\":\"" + reason + "\"}");

        CliRun run = pimctl("activations", "extend", ACTIVATION, "--duration", "PT1H");

        assertOneLineError(
                run,
                1,
                "pimctl: activation " + ACTIVATION + " cannot be extended now",
                "reason " + reason,
                "pimctl audit show " + ACTIVATION);
        assertThat(api.requests).hasSize(1);
    }

    @Test
    void unknownActivationIsOneLineAndExitsOne() {
        api.on("POST", extension(ACTIVATION), 404, "{\"error\":\"no activation " + ACTIVATION + "\"}");

        CliRun run = pimctl("activations", "extend", ACTIVATION, "--duration", "PT1H");

        assertOneLineError(run, 1, "no activation " + ACTIVATION + " at " + api.url(), "pimctl activations list");
    }

    @Test
    void badRequestShowsTheServersFieldNamedErrorAndExitsOne() {
        api.on("POST", extension(ACTIVATION), 400, "{\"error\":\"duration: exceeds the role's policy maximum\"}");

        CliRun run = pimctl("activations", "extend", ACTIVATION, "--duration", "PT20H");

        assertOneLineError(
                run, 1, "the orchestrator refused the extension request: duration: exceeds the role's policy maximum");
    }

    @Test
    void loginWithoutTheOperatorRoleIsOneLineAndExitsOne() {
        api.on("POST", extension(ACTIVATION), 403, "");

        CliRun run = pimctl("activations", "extend", ACTIVATION, "--duration", "PT1H");

        assertOneLineError(run, 1, "403 Forbidden", "--user");
    }

    // ---------------------------------------------------------------- local checks, before any request

    @ParameterizedTest(name = "--duration {0}")
    @ValueSource(strings = {"2h", "soon", "", "-PT1H", "PT-30M", "PT0S", "P0D", "PT24H1S", "PT25H", "P2D"})
    void badDurationIsRefusedWithoutAnyRequest(String duration) {
        CliRun run = pimctl("activations", "extend", ACTIVATION, "--duration", duration);

        assertOneLineError(run, 2, "'--duration'", "'" + duration + "'");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void badDurationSaysWhy() {
        assertOneLineError(
                pimctl("activations", "extend", ACTIVATION, "--duration", "PT25H"),
                2,
                "'--duration'",
                "must be at most PT24H");
        assertOneLineError(
                pimctl("activations", "extend", ACTIVATION, "--duration", "-PT1H"),
                2,
                "'--duration'",
                "must be positive");
        assertOneLineError(
                pimctl("activations", "extend", ACTIVATION, "--duration", "PT0S"),
                2,
                "'--duration'",
                "must be positive");
        assertOneLineError(
                pimctl("activations", "extend", ACTIVATION, "--duration", "1h"),
                2,
                "'--duration'",
                "is not an ISO-8601 duration");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void missingDurationIsRefusedWithoutAnyRequest() {
        assertOneLineError(pimctl("activations", "extend", ACTIVATION), 2, "Missing required option", "--duration");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void twentyFourHoursIsTheLongestDurationSent() throws Exception {
        api.on("POST", extension(ACTIVATION), 202, REQUESTED);

        CliRun run = pimctl("activations", "extend", ACTIVATION, "--duration", "P1D");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(sentBody().path("duration").asText()).isEqualTo("PT24H");
    }

    @Test
    void tooLongJustificationIsRefusedWithoutAnyRequest() {
        assertOneLineError(
                pimctl("activations", "extend", ACTIVATION, "--duration", "PT1H", "--justification", "x".repeat(501)),
                2,
                "'--justification'",
                "longer than 500");
        assertOneLineError(
                pimctl("activations", "extend", ACTIVATION, "--duration", "PT1H", "--justification", "  "),
                2,
                "'--justification'",
                "must not be empty");
        assertThat(api.requests).isEmpty();
        // 500 characters are fine
        api.on("POST", extension(ACTIVATION), 202, REQUESTED);
        assertThat(pimctl("activations", "extend", ACTIVATION, "--duration", "PT1H", "--justification", "x".repeat(500))
                        .exitCode())
                .isZero();
    }

    @Test
    void missingOrMalformedActivationIdIsRefusedWithoutAnyRequest() {
        assertOneLineError(
                pimctl("activations", "extend", "--duration", "PT1H"),
                2,
                "Missing required parameter",
                "<activationId>");
        assertOneLineError(
                pimctl("activations", "extend", "42", "--duration", "PT1H"), 2, "'<activationId>'", "is not a GUID");
        assertThat(api.requests).isEmpty();
    }

    // ---------------------------------------------------------------- help

    @Test
    void extendIsListedUnderActivationsAndDocumented() {
        assertThat(CliRun.run("activations", "--help").out())
                .containsPattern("(?m)^\\s+extend\\s+Ask to extend an active activation");
        CliRun run = CliRun.run("activations", "extend", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " "))
                .contains("POST /api/activations/<activationId>/extension")
                .contains("--duration=<ISO-8601>")
                .contains("at most PT24H")
                .contains("--justification=<text>")
                .contains("--url=<url>")
                .contains("Exit codes: 0 ok 1 runtime failure")
                .contains(" 2 usage error");
    }
}
