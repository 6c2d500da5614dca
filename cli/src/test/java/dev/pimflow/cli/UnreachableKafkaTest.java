package dev.pimflow.cli;

import static dev.pimflow.cli.PimctlUsageTest.CHALLENGE;
import static dev.pimflow.cli.PimctlUsageTest.PRINCIPAL;
import static dev.pimflow.cli.PimctlUsageTest.ROLE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Nothing listens on localhost:1: every command fails fast, with exit code 1 and one line that says what to fix. */
class UnreachableKafkaTest {
    private static final String SECRET = "--secret=0123456789abcdef0123456789abcdef-test";

    private static void assertUnreachable(CliRun run, String seconds, Duration within) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines()[0])
                .isEqualTo("pimctl: cannot reach Kafka at localhost:1 within " + seconds
                        + " s: is the orchestrator running? (set --bootstrap-servers)");
        assertThat(run.out()).isEmpty();
        assertThat(run.took()).isLessThan(within);
    }

    @Test
    void mfaApproveFailsWithinTheDefaultTimeout() {
        CliRun run = CliRun.run(
                "mfa", "approve", CHALLENGE, "--principal", PRINCIPAL, SECRET, "--bootstrap-servers", "localhost:1");
        assertUnreachable(run, "10", Duration.ofSeconds(20));
    }

    @Test
    void mfaApproveWithoutPrincipalFailsLookingTheChallengeUp() {
        CliRun run =
                CliRun.run("mfa", "deny", CHALLENGE, SECRET, "--bootstrap-servers", "localhost:1", "--timeout", "2");
        assertUnreachable(run, "2", Duration.ofSeconds(8));
    }

    @Test
    void ticketRequestFailsFast() {
        CliRun run = CliRun.run(
                "--bootstrap-servers",
                "localhost:1",
                "--timeout",
                "2",
                "ticket",
                "request",
                "--ticket",
                "INC-1",
                "--principal",
                PRINCIPAL,
                "--role",
                ROLE,
                "--duration",
                "PT1H",
                "--justification",
                "x");
        assertUnreachable(run, "2", Duration.ofSeconds(8));
    }
}
