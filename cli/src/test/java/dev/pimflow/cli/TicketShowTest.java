package dev.pimflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ticket show} against a fake of the orchestrator's REST API ({@code TicketController}): what it prints, what it
 * asks for, its one-line errors and exit codes, and that the password never shows.
 */
class TicketShowTest {
    static final String ALINE = RestCommandsTest.ALINE;
    static final String BOB = "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d";
    static final String NUMBER = "CONTOSO:Security-012345";

    static final String OPEN_TICKET = """
            {"ticketSystem":"Contoso ICM","ticketNumber":"%s","state":"open","title":"Refresh tokens leaked",
             "priority":"P1","assignees":["%s","%s"],"openedAt":"2025-06-02T09:58:00.123Z",
             "assignedAt":"2025-06-02T09:59:00Z","closedAt":null,"reopenedAt":null,"lastEventId":"evt-7",
             "updatedAt":"2025-06-02T09:59:00.5Z"}
            """.formatted(NUMBER, BOB, ALINE);
    static final String CLOSED_TICKET = """
            {"ticketSystem":"Contoso ICM","ticketNumber":"INC-9","state":"closed","title":null,"priority":null,
             "assignees":[],"openedAt":null,"assignedAt":null,"closedAt":"2025-06-03T12:00:00Z",
             "reopenedAt":null,"lastEventId":"evt-9","updatedAt":"2025-06-03T12:00:01Z"}
            """;

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

    @Test
    void showPrintsTheTicketThenItsActivations() {
        api.on(
                "GET",
                "/api/tickets",
                200,
                "{\"ticket\":" + OPEN_TICKET + ",\"activations\":[" + RestCommandsTest.ACTIVE + "]}");

        CliRun run = pimctl("ticket", "show", NUMBER);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out().split("\\R"))
                .containsExactly(
                        "Ticket        " + NUMBER + " (Contoso ICM)",
                        "  state       open",
                        "  title       Refresh tokens leaked",
                        "  priority    P1",
                        "  assignees   " + BOB + ", " + ALINE,
                        "  opened      2025-06-02T09:58:00Z",
                        "  assigned    2025-06-02T09:59:00Z",
                        "  closed      -",
                        "  reopened    -",
                        "  last event  evt-7 at 2025-06-02T09:59:00Z",
                        "",
                        // the table of 'activations list'
                        String.format(
                                "%-36s  %-23s  %-36s  %-18s  %-6s  %-6s  %s",
                                "ID", "TICKET", "PRINCIPAL", "ROLE", "STATUS", "REASON", "END"),
                        String.format(
                                "%-36s  %-23s  %-36s  %-18s  %-6s  %-6s  %s",
                                RestCommandsTest.ACTIVATION,
                                NUMBER,
                                ALINE,
                                "User Administrator",
                                "active",
                                "-",
                                "2025-06-02T15:00:03Z"));

        FakeOrchestrator.Request sent = api.requests.get(0);
        assertThat(sent.method()).isEqualTo("GET");
        assertThat(sent.path()).isEqualTo("/api/tickets");
        assertThat(sent.query()).isEqualTo("system=Contoso+ICM&number=CONTOSO%3ASecurity-012345");
        assertThat(sent.authorization()).startsWith("Basic ");
    }

    @Test
    void showOfAClosedTicketWithoutActivations() {
        api.on("GET", "/api/tickets", 200, "{\"ticket\":" + CLOSED_TICKET + ",\"activations\":[]}");

        CliRun run = pimctl("ticket", "show", "INC-9", "--system", "PagerDuty #2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("  state       closed")
                .contains("  title       -")
                .contains("  assignees   none")
                .contains("  closed      2025-06-03T12:00:00Z")
                .endsWith(System.lineSeparator() + "No activations for this ticket." + System.lineSeparator());
        assertThat(api.requests.get(0).query()).isEqualTo("system=PagerDuty+%232&number=INC-9");
    }

    @Test
    void showOfATicketKnownOnlyFromItsRequestsSaysSo() {
        api.on("GET", "/api/tickets", 200, "{\"ticket\":null,\"activations\":[" + RestCommandsTest.DENIED + "]}");

        CliRun run = pimctl("ticket", "show", "INC-4711");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String[] lines = run.out().split("\\R");
        assertThat(lines[0])
                .isEqualTo("Ticket INC-4711 (Contoso ICM): no ticket event seen, only activation requests "
                        + "(state unknown)");
        assertThat(lines[2]).matches("ID +TICKET +PRINCIPAL +ROLE +STATUS +REASON +END");
        assertThat(lines[3]).startsWith(RestCommandsTest.OTHER).contains("duration-exceeds-maximum");
    }

    @Test
    void showAsJsonIsTheAnswerWhole() throws Exception {
        api.on(
                "GET",
                "/api/tickets",
                200,
                "{\"ticket\":" + OPEN_TICKET + ",\"activations\":[" + RestCommandsTest.ACTIVE + "]}");

        CliRun run = pimctl("ticket", "show", NUMBER, "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().split("\\R")).hasSize(1);
        JsonNode answer = Events.mapper().readTree(run.out());
        assertThat(answer.at("/ticket/lastEventId").asText()).isEqualTo("evt-7");
        assertThat(answer.at("/ticket/assignees/1").asText()).isEqualTo(ALINE);
        assertThat(answer.at("/activations/0/pimRequestId").asText()).isEqualTo("r-1");
    }

    @Test
    void showOfAnUnknownTicketIsOneLine() {
        api.on(
                "GET",
                "/api/tickets",
                404,
                "{\"error\":\"not found\",\"field\":\"number\",\"reason\":\"no ticket INC-1 of Contoso ICM is known\"}");

        CliRun run = pimctl("ticket", "show", "INC-1");

        assertOneLineError(run, 1, "no ticket INC-1 of Contoso ICM at " + api.url(), "check --system");
    }

    @Test
    void aServerWithoutTheTicketEndpointIsNotTakenForAnUnknownTicket() {
        // the fake's own 404 for a path it does not serve, as Spring answers an orchestrator older than /api/tickets
        CliRun run = pimctl("ticket", "show", "INC-1");

        assertOneLineError(
                run,
                1,
                "GET " + api.url() + "/api/tickets answered 404",
                "is " + api.url() + " a pimflow orchestrator");
    }

    @Test
    void showWithAWrongPasswordTellsToSetIt() {
        CliRun run = pimctl(Map.of(Pimctl.PASSWORD_ENV, "not-the-password"), "ticket", "show", "INC-1");

        assertOneLineError(run, 1, "(401 Unauthorized)", "set PIM_ADMIN_PASSWORD");
    }

    @Test
    void showChecksItsInputsBeforeCalling() {
        assertOneLineError(pimctl("ticket", "show"), 2, "Missing required parameter", "<number>");
        assertOneLineError(pimctl("ticket", "show", "INC\u00071"), 2, "parameter '<number>'", "control characters");
        assertOneLineError(pimctl("ticket", "show", "INC-1", "--system", " "), 2, "'--system'", "must not be empty");
        assertOneLineError(pimctl(Map.of(), "ticket", "show", "INC-1"), 2, "no password for user 'admin'");
        assertThat(api.requests).isEmpty();
    }
}
