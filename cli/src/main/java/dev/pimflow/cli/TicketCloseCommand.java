package dev.pimflow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.TicketClosed;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pimctl ticket close}: publishes {@code ticket.closed}. */
@Command(
        name = "close",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Close a ticket: publishes ticket.closed (closedAt = now) on tickets.events and prints the event id.",
            "The orchestrator revokes the ticket's active activations and cancels its pending ones."
        })
class TicketCloseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TicketEventOptions.Ticket ticket;

    @Mixin
    TicketEventOptions.TicketSystem ticketSystem;

    @Option(names = "--resolution", paramLabel = "<text>", description = "How the ticket was resolved (optional).")
    String resolution;

    @Mixin
    TicketEventOptions.Publication publication;

    Clock clock = Clock.systemUTC();

    TicketClosed data() {
        CommandLine cmd = spec.commandLine();
        return new TicketClosed(
                ticketSystem.validated(cmd),
                ticket.validated(cmd),
                clock.instant().truncatedTo(ChronoUnit.MILLIS),
                resolution == null ? null : Inputs.text(cmd, "--resolution", resolution, 500));
    }

    /** The structured-mode CloudEvent this command publishes (package-private for tests); no resolution, no field. */
    byte[] buildEvent() {
        return buildEvent(data());
    }

    private byte[] buildEvent(TicketClosed closed) {
        byte[] event = event(publication.eventId(), closed);
        Inputs.contract(
                spec.commandLine(),
                event,
                java.util.Map.of(
                        "data.ticketSystem",
                        "--ticket-system",
                        "data.ticketNumber",
                        "--ticket",
                        "data.resolution",
                        "--resolution"),
                java.util.Map.of(
                        "--ticket-system",
                        String.valueOf(ticketSystem.name),
                        "--ticket",
                        String.valueOf(ticket.number),
                        "--resolution",
                        String.valueOf(resolution)));
        return event;
    }

    /** The structured-mode {@code ticket.closed} CloudEvent (no resolution, no field); also used by {@code pimctl demo}. */
    static byte[] event(String eventId, TicketClosed closed) {
        ObjectNode data = Events.mapper().valueToTree(closed);
        if (data.path("resolution").isNull()) {
            data.remove("resolution");
        }
        return Events.codec().writeInbound(eventId, EventTypes.TICKET_CLOSED, Events.SOURCE, data);
    }

    @Override
    public Integer call() {
        TicketClosed data = data();
        byte[] event = buildEvent(data);
        publication.publish(data.ticketSystem(), data.ticketNumber(), event);
        return Pimctl.EXIT_OK;
    }
}
