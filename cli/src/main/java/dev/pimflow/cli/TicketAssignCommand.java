package dev.pimflow.cli;

import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.TicketAssigned;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pimctl ticket assign}: publishes {@code ticket.assigned} (DESIGN §9.2). */
@Command(
        name = "assign",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Set who a ticket is assigned to: publishes ticket.assigned (assignedAt = now) on tickets.events, keyed "
                    + "<ticketSystem>:<number>, and prints the event id.",
            "The list is the full current one: it replaces the last. Where pim.tickets.require-assignee is set, the "
                    + "orchestrator ends the activations of principals it drops (reason ticket-reassigned)."
        })
class TicketAssignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TicketEventOptions.Number ticket;

    /**
     * One or more assignees, or --none: an empty list unassigns everyone and may end activations, so it is asked for by
     * name rather than implied by a forgotten option.
     */
    static final class Assignees {
        @Option(
                names = "--assignee",
                required = true,
                split = ",",
                paramLabel = "<objectId>",
                description = "Entra object id (GUID) of someone the ticket is assigned to now; repeat the option (or "
                        + "separate with commas) for several, at most " + TicketEventOptions.MAX_ASSIGNEES + ".")
        List<String> ids;

        @Option(
                names = "--none",
                required = true,
                description = "Assign the ticket to nobody (an empty list: everyone is unassigned).")
        boolean none;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Assignees assignees;

    @Mixin
    TicketEventOptions.SystemName ticketSystem;

    @Mixin
    TicketEventOptions.Publication publication;

    Clock clock = Clock.systemUTC();

    /** The validated {@code data}; a bad value is a usage error naming its option. */
    TicketAssigned data() {
        CommandLine cmd = spec.commandLine();
        return new TicketAssigned(
                ticketSystem.validated(cmd),
                ticket.validated(cmd),
                assignees.none ? List.of() : TicketEventOptions.assignees(cmd, "--assignee", assignees.ids),
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    /** The structured-mode CloudEvent, checked against the contract. */
    byte[] buildEvent(TicketAssigned data) {
        byte[] event = TicketEventOptions.event(publication.eventId(), EventTypes.TICKET_ASSIGNED, data);
        Inputs.contract(
                spec.commandLine(),
                event,
                Map.of(
                        "data.ticketSystem", "--system",
                        "data.ticketNumber", "<number>",
                        "data.assignees", "--assignee"),
                Map.of(
                        "--system", String.valueOf(ticketSystem.name),
                        "<number>", String.valueOf(ticket.number),
                        "--assignee", String.join(",", data.assignees())));
        return event;
    }

    @Override
    public Integer call() {
        TicketAssigned data = data();
        byte[] event = buildEvent(data);
        publication.publish(data.ticketSystem(), data.ticketNumber(), event);
        return Pimctl.EXIT_OK;
    }
}
