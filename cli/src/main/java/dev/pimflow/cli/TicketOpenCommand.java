package dev.pimflow.cli;

import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.TicketOpened;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pimctl ticket open}: publishes {@code ticket.opened} (DESIGN §9.2). */
@Command(
        name = "open",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Open a ticket: publishes ticket.opened (openedAt = now) on tickets.events, keyed <ticketSystem>:<number>, "
                    + "and prints the event id.",
            "The orchestrator records the ticket as open, with its assignees. With pim.tickets.require-open it accepts "
                    + "activation requests only for open tickets; with pim.tickets.require-assignee, only for an assignee."
        })
class TicketOpenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TicketEventOptions.Number ticket;

    @Option(
            names = "--assignee",
            required = true,
            split = ",",
            paramLabel = "<objectId>",
            description = "Entra object id (GUID) of someone the ticket is assigned to; repeat the option (or separate "
                    + "with commas) for several, at most " + TicketEventOptions.MAX_ASSIGNEES + ".")
    List<String> assignees;

    @Option(names = "--title", paramLabel = "<text>", description = "The ticket's title (optional).")
    String title;

    @Option(names = "--priority", paramLabel = "<name>", description = "The ticket's priority, e.g. P1 (optional).")
    String priority;

    @Mixin
    TicketEventOptions.SystemName ticketSystem;

    @Mixin
    TicketEventOptions.Publication publication;

    Clock clock = Clock.systemUTC();

    /** The validated {@code data}; a bad value is a usage error naming its option. */
    TicketOpened data() {
        CommandLine cmd = spec.commandLine();
        return new TicketOpened(
                ticketSystem.validated(cmd),
                ticket.validated(cmd),
                title == null ? null : Inputs.text(cmd, "--title", title, 500),
                priority == null ? null : Inputs.name(cmd, "--priority", priority, 40),
                TicketEventOptions.assignees(cmd, "--assignee", assignees),
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    /** The structured-mode CloudEvent, checked against the contract (no title or priority, no field). */
    byte[] buildEvent(TicketOpened data) {
        byte[] event = TicketEventOptions.event(publication.eventId(), EventTypes.TICKET_OPENED, data);
        Inputs.contract(
                spec.commandLine(),
                event,
                Map.of(
                        "data.ticketSystem", "--system",
                        "data.ticketNumber", "<number>",
                        "data.title", "--title",
                        "data.priority", "--priority",
                        "data.assignees", "--assignee"),
                Map.of(
                        "--system", String.valueOf(ticketSystem.name),
                        "<number>", String.valueOf(ticket.number),
                        "--title", String.valueOf(title),
                        "--priority", String.valueOf(priority),
                        "--assignee", String.join(",", data.assignees())));
        return event;
    }

    @Override
    public Integer call() {
        TicketOpened data = data();
        byte[] event = buildEvent(data);
        publication.publish(data.ticketSystem(), data.ticketNumber(), event);
        return Pimctl.EXIT_OK;
    }
}
