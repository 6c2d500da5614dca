package dev.pimflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pimflow.contracts.seed.TutorialTenant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input is caught before Kafka is touched: exit code 2 and one line on stderr that names the option. */
class PimctlUsageTest {
    static final String PRINCIPAL = "d9771b4c-5a3f-4b6e-9f1c-2a7e8b0c4d11";
    static final String ROLE = TutorialTenant.USER_ADMINISTRATOR_ROLE_ID;
    static final String CHALLENGE = "3f2b8c1e-7d4a-4e9b-8c6f-1a2b3c4d5e6f";
    /** Kafka is never reached in these tests; if validation let something through, this address fails fast (exit 1). */
    static final String NO_KAFKA = "--bootstrap-servers=localhost:1";

    private static String[] request(String option, String value) {
        List<String> args = new ArrayList<>(List.of(
                "ticket",
                "request",
                "--bootstrap-servers",
                "localhost:1",
                "--timeout",
                "1",
                "--ticket",
                "INC-4711",
                "--principal",
                PRINCIPAL,
                "--role",
                ROLE,
                "--duration",
                "PT5H",
                "--justification",
                "restore the mailbox"));
        int i = args.indexOf(option);
        if (i >= 0) {
            args.set(i + 1, value);
        } else {
            args.add(option);
            args.add(value);
        }
        return args.toArray(String[]::new);
    }

    private static void assertUsageError(CliRun run, String... mentions) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines()[0]).startsWith("pimctl: ");
        for (String mention : mentions) {
            assertThat(run.errLines()[0]).contains(mention);
        }
        assertThat(run.out()).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--principal     | not-a-guid                            | is not a GUID",
                "--principal     | d9771b4c-5a3f-4b6e-9f1c-2a7e8b0c4d1   | is not a GUID",
                "--role          | User Administrator                    | is not a GUID",
                "--duration      | 5h                                    | is not an ISO-8601 duration",
                "--duration      | PT-5H                                 | must be positive",
                "--duration      | PT0S                                  | must be positive",
                "--duration      | P400D                                 | at most 366 days",
                "--scope         | tenant                                | is not a directory scope id",
                "--ticket        | '   '                                 | must not be empty",
                "--event-id      | ''                                    | must not be empty",
                "--topic         | tickets events                        | is not a Kafka topic name",
                "--timeout       | 0                                     | between 1 and 600",
                "--bootstrap-servers | localhost                         | is not host:port",
            })
    void ticketRequestRejectsBadValuesNamingTheOption(String option, String value, String reason) {
        CliRun run = CliRun.run(request(option, value));
        assertUsageError(run, "'" + option + "'", reason);
    }

    @Test
    void missingRequiredOptionsAreAUsageError() {
        CliRun run = CliRun.run("ticket", "request", "--ticket", "INC-1");
        assertUsageError(
                run,
                "Missing required options",
                "--principal",
                "--role",
                "--duration",
                "--justification",
                "pimctl ticket request --help");
    }

    @Test
    void whatTheOrchestratorWouldDeadLetterIsRefusedBeforeKafka() {
        // the contract's identifier rules (no quotes, no angle brackets), not only pimctl's own checks
        assertUsageError(
                CliRun.run(
                        "ticket",
                        "request",
                        "--ticket",
                        "INC-1'; DROP TABLE activation; --",
                        "--principal",
                        PRINCIPAL,
                        "--role",
                        PRINCIPAL,
                        "--duration",
                        "PT1H",
                        "--justification",
                        "x",
                        NO_KAFKA),
                "'--ticket'",
                "invalid format");
        assertUsageError(
                CliRun.run(
                        "ticket",
                        "request",
                        "--ticket",
                        "INC-1",
                        "--principal",
                        PRINCIPAL,
                        "--role",
                        PRINCIPAL,
                        "--duration",
                        "PT1H",
                        "--justification",
                        "see ${jndi:ldap://evil/x}",
                        NO_KAFKA),
                "'--justification'",
                "invalid format");
        assertUsageError(
                CliRun.run("ticket", "close", "--ticket", "<script>", NO_KAFKA), "'--ticket'", "invalid format");
    }

    @Test
    void unknownOptionIsAUsageErrorWithASuggestion() {
        CliRun run = CliRun.run("ticket", "close", "--ticket", "INC-1", "--resolutoin", "done");
        assertUsageError(run, "--resolutoin", "did you mean", "--resolution");
    }

    @Test
    void missingSubcommandIsAUsageError() {
        assertUsageError(CliRun.run(), "Missing command");
        assertUsageError(CliRun.run("ticket"), "open, assign, request, close, reopen, show");
        assertUsageError(CliRun.run("mfa"), "pending, approve, deny");
        assertUsageError(CliRun.run("activations"), "list, revoke, extend");
        assertUsageError(CliRun.run("approvals"), "list, approve, deny");
    }

    @Test
    void mfaAnswerChecksItsInputsBeforeKafka() {
        assertUsageError(
                CliRun.run("mfa", "approve", "12345", "--principal", PRINCIPAL, NO_KAFKA),
                "'<challengeId>'",
                "is not a GUID");
        assertUsageError(
                CliRun.run("mfa", "deny", CHALLENGE, "--principal", "me", NO_KAFKA), "'--principal'", "is not a GUID");
        assertUsageError(
                CliRun.run("mfa", "approve", CHALLENGE, "--principal", PRINCIPAL, "--secret", "too-short", NO_KAFKA),
                "'--secret'",
                "at least 32 bytes");
        assertUsageError(CliRun.run("mfa", "approve", NO_KAFKA), "Missing required parameter", "<challengeId>");
        assertUsageError(CliRun.run("mfa", "pending", "--wait", "-1", NO_KAFKA), "'--wait'");
        assertUsageError(CliRun.run("events", "--wait", "soon", NO_KAFKA), "--wait", "soon");
    }

    @Test
    void helpDocumentsTheExitCodes() {
        for (String[] args : List.of(
                new String[] {"--help"},
                new String[] {"ticket", "request", "--help"},
                new String[] {"mfa", "approve", "--help"},
                new String[] {"approvals", "deny", "--help"},
                new String[] {"events", "--help"})) {
            CliRun run = CliRun.run(args);
            assertThat(run.exitCode()).isZero();
            assertThat(run.out())
                    .contains("Exit codes:")
                    .containsPattern("(?m)^\\s+0\\s+ok")
                    .containsPattern("(?m)^\\s+1\\s+runtime failure")
                    .containsPattern("(?m)^\\s+2\\s+usage error");
            assertThat(run.err()).isEmpty();
        }
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheCommand() {
        CliRun before = CliRun.run("--bootstrap-servers", "localhost", "mfa", "pending");
        CliRun after = CliRun.run("mfa", "pending", "--bootstrap-servers", "localhost");
        assertUsageError(before, "'--bootstrap-servers'");
        assertUsageError(after, "'--bootstrap-servers'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "10, 10000",
        "10s, 10000",
        "1.5s, 1500",
        "500ms, 500",
        "2m, 120000",
        "1h, 3600000",
        "PT1M, 60000",
        "pt30s, 30000"
    })
    void durationsAreWrittenForPeople(String text, long millis) {
        assertThat(Inputs.shortDuration(text)).isEqualTo(java.time.Duration.ofMillis(millis));
    }

    @Test
    void aBadDurationIsAUsageErrorNamingTheOption() {
        assertUsageError(
                CliRun.run("events", "--timeout", "soon", NO_KAFKA), "'--timeout'", "'soon' is not a duration");
        assertUsageError(
                CliRun.run("events", "--timeout", "700s", NO_KAFKA), "'--timeout'", "between 1 and 600 seconds");
    }

    @Test
    void versionIsPrinted() {
        CliRun run = CliRun.run("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("pimctl ");
    }
}
