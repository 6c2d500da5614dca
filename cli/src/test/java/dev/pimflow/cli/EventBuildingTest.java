package dev.pimflow.cli;

import static dev.pimflow.cli.PimctlUsageTest.CHALLENGE;
import static dev.pimflow.cli.PimctlUsageTest.PRINCIPAL;
import static dev.pimflow.cli.PimctlUsageTest.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.mfa.MfaAssertionVerifier;
import dev.pimflow.mfa.MfaDecision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The events pimctl publishes carry the field names of DESIGN §4 and pass the orchestrator's input validation. */
class EventBuildingTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final EventCodec codec = new EventCodec();

    @SuppressWarnings("unchecked")
    private static <T> T command(String... args) {
        CommandLine.ParseResult result = Pimctl.commandLine().parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return (T) result.commandSpec().userObject();
    }

    @Test
    void ticketRequestEventHasTheDesignFieldNames() throws Exception {
        TicketRequestCommand cmd = command(
                "ticket",
                "request",
                "--ticket",
                "INC-4711",
                "--principal",
                PRINCIPAL,
                "--role",
                ROLE,
                "--duration",
                "PT5H",
                "--justification",
                "restore the CEO's mailbox",
                "--event-id",
                "evt-1");

        JsonNode event = mapper.readTree(cmd.buildEvent());

        assertThat(event.path("specversion").asText()).isEqualTo("1.0");
        assertThat(event.path("id").asText()).isEqualTo("evt-1");
        assertThat(event.path("type").asText()).isEqualTo("ticket.activation-requested");
        assertThat(event.path("source").asText()).isEqualTo("urn:pimflow:pimctl");
        assertThat(event.path("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(Instant.parse(event.path("time").asText().replaceFirst("\\+00:00$", "Z")))
                .isCloseTo(
                        Instant.now(),
                        org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MINUTES));
        JsonNode data = event.path("data");
        assertThat(iterable(data.fieldNames()))
                .containsExactlyInAnyOrder(
                        "ticketSystem",
                        "ticketNumber",
                        "principalId",
                        "roleDefinitionId",
                        "directoryScopeId",
                        "justification",
                        "duration");
        assertThat(data.path("ticketSystem").asText()).isEqualTo("Contoso ICM");
        assertThat(data.path("ticketNumber").asText()).isEqualTo("INC-4711");
        assertThat(data.path("principalId").asText()).isEqualTo(PRINCIPAL);
        assertThat(data.path("roleDefinitionId").asText()).isEqualTo(ROLE);
        assertThat(data.path("directoryScopeId").asText()).isEqualTo("/");
        assertThat(data.path("justification").asText()).isEqualTo("restore the CEO's mailbox");
        assertThat(data.path("duration").asText()).isEqualTo("PT5H");
        assertThat(TicketCommand.key("Contoso ICM", "INC-4711")).isEqualTo("Contoso ICM:INC-4711");

        // what the orchestrator does with it
        InboundEvent inbound = codec.read(cmd.buildEvent(), new RecordHeaders(), EventTypes.TICKET_EVENTS);
        assertThat(codec.data(inbound, ActivationRequested.class))
                .isEqualTo(new ActivationRequested(
                        "Contoso ICM",
                        "INC-4711",
                        PRINCIPAL,
                        ROLE,
                        "/",
                        "restore the CEO's mailbox",
                        Duration.ofHours(5)));
    }

    @Test
    void ticketRequestOptionsOverrideTheDefaults() throws Exception {
        TicketRequestCommand cmd = command(
                "ticket",
                "request",
                "--ticket",
                "42",
                "--ticket-system",
                "ServiceNow",
                "--scope",
                "/administrativeUnits/au-1",
                "--principal",
                PRINCIPAL,
                "--role",
                ROLE,
                "--duration",
                "P1DT2H",
                "--justification",
                "x");
        JsonNode event = mapper.readTree(cmd.buildEvent());
        assertThat(event.path("id").asText()).matches(Inputs.GUID.pattern()); // a fresh UUID
        assertThat(event.at("/data/ticketSystem").asText()).isEqualTo("ServiceNow");
        assertThat(event.at("/data/directoryScopeId").asText()).isEqualTo("/administrativeUnits/au-1");
        assertThat(Duration.parse(event.at("/data/duration").asText())).isEqualTo(Duration.ofHours(26));
        codec.read(cmd.buildEvent(), new RecordHeaders(), EventTypes.TICKET_EVENTS);
    }

    @Test
    void ticketClosedEventHasTheDesignFieldNames() throws Exception {
        TicketCloseCommand cmd = command("ticket", "close", "--ticket", "INC-4711", "--resolution", "mailbox restored");
        cmd.clock = Clock.fixed(Instant.parse("2025-06-01T10:15:30.123456Z"), ZoneOffset.UTC);

        JsonNode event = mapper.readTree(cmd.buildEvent());

        assertThat(event.path("type").asText()).isEqualTo("ticket.closed");
        assertThat(iterable(event.path("data").fieldNames()))
                .containsExactlyInAnyOrder("ticketSystem", "ticketNumber", "closedAt", "resolution");
        assertThat(event.at("/data/closedAt").asText()).isEqualTo("2025-06-01T10:15:30.123Z");
        InboundEvent inbound = codec.read(cmd.buildEvent(), new RecordHeaders(), EventTypes.TICKET_EVENTS);
        assertThat(codec.data(inbound, TicketClosed.class))
                .isEqualTo(new TicketClosed(
                        "Contoso ICM", "INC-4711", Instant.parse("2025-06-01T10:15:30.123Z"), "mailbox restored"));

        TicketCloseCommand bare = command("ticket", "close", "--ticket", "INC-4711");
        assertThat(iterable(mapper.readTree(bare.buildEvent()).path("data").fieldNames()))
                .containsExactlyInAnyOrder("ticketSystem", "ticketNumber", "closedAt");
    }

    @Test
    void mfaResponseCarriesAnAssertionTheOrchestratorAccepts() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2025-06-01T10:00:00Z"), ZoneOffset.UTC);
        String secret = "0123456789abcdef0123456789abcdef-test";
        for (boolean approve : new boolean[] {true, false}) {
            MfaAnswerCommand cmd = command("mfa", approve ? "approve" : "deny", CHALLENGE, "--principal", PRINCIPAL);
            cmd.clock = clock;

            byte[] value = cmd.buildResponse("evt-2", CHALLENGE, PRINCIPAL, new MfaAnswerCommand.Secret(secret, false));

            JsonNode event = mapper.readTree(value);
            assertThat(event.path("type").asText()).isEqualTo("mfa.response");
            assertThat(iterable(event.path("data").fieldNames())).containsExactlyInAnyOrder("challengeId", "assertion");
            MfaResponse response = codec.data(
                    codec.read(value, new RecordHeaders(), Set.of(EventTypes.MFA_RESPONSE)), MfaResponse.class);
            assertThat(response.challengeId()).isEqualTo(CHALLENGE);
            MfaDecision decision =
                    MfaAssertionVerifier.hs256(secret, clock).verify(response.assertion(), CHALLENGE, PRINCIPAL);
            assertThat(decision.approved()).isEqualTo(approve);
        }
    }

    @Test
    void secretComesFromTheOptionThenTheEnvironmentThenTheDevelopmentValue() {
        CommandLine cmd = Pimctl.commandLine();
        String fromEnv = "an-environment-secret-of-32-bytes-or-more";
        String fromOption = "an-option-secret-of-at-least-32-bytes!!";

        assertThat(MfaAnswerCommand.resolveSecret(cmd, fromOption, Map.of(MfaAnswerCommand.SECRET_ENV, fromEnv)))
                .isEqualTo(new MfaAnswerCommand.Secret(fromOption, false));
        assertThat(MfaAnswerCommand.resolveSecret(cmd, null, Map.of(MfaAnswerCommand.SECRET_ENV, fromEnv)))
                .isEqualTo(new MfaAnswerCommand.Secret(fromEnv, false));
        assertThat(MfaAnswerCommand.resolveSecret(cmd, null, Map.of()))
                .isEqualTo(new MfaAnswerCommand.Secret("pimflow-development-mfa-secret-not-for-production", true));
        assertThat(MfaAnswerCommand.resolveSecret(
                                cmd,
                                null,
                                Map.of(
                                        MfaAnswerCommand.SECRET_ENV,
                                        "pimflow-development-mfa-secret-not-for-production"))
                        .development())
                .isTrue();
        assertThatThrownBy(
                        () -> MfaAnswerCommand.resolveSecret(cmd, null, Map.of(MfaAnswerCommand.SECRET_ENV, "short")))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining(MfaAnswerCommand.SECRET_ENV)
                .hasMessageContaining("at least 32 bytes");
        assertThat(new MfaAnswerCommand.Secret(fromOption, false).toString()).doesNotContain(fromOption);
    }

    private static Iterable<String> iterable(java.util.Iterator<String> it) {
        return () -> it;
    }
}
