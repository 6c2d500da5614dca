package dev.pimflow.cli;

import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.TicketReopened;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pimctl ticket reopen}: publishes {@code ticket.reopened} (DESIGN §9.2). */
@Command(
        name = "reopen",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Reopen a closed ticket: publishes ticket.reopened (reopenedAt = now) on tickets.events, keyed "
                    + "<ticketSystem>:<number>, and prints the event id.",
            "New activation requests for the ticket are accepted again; activations its closure revoked stay revoked."
        })
class TicketReopenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TicketEventOptions.Number ticket;

    @Mixin
    TicketEventOptions.SystemName ticketSystem;

    @Mixin
    TicketEventOptions.Publication publication;

    Clock clock = Clock.systemUTC();

    TicketReopened data() {
        CommandLine cmd = spec.commandLine();
        return new TicketReopened(
                ticketSystem.validated(cmd),
                ticket.validated(cmd),
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    /** The structured-mode CloudEvent, checked against the contract. */
    byte[] buildEvent(TicketReopened data) {
        byte[] event = TicketEventOptions.event(publication.eventId(), EventTypes.TICKET_REOPENED, data);
        Inputs.contract(
                spec.commandLine(),
                event,
                Map.of("data.ticketSystem", "--system", "data.ticketNumber", "<number>"),
                Map.of("--system", String.valueOf(ticketSystem.name), "<number>", String.valueOf(ticket.number)));
        return event;
    }

    @Override
    public Integer call() {
        TicketReopened data = data();
        byte[] event = buildEvent(data);
        publication.publish(data.ticketSystem(), data.ticketNumber(), event);
        return Pimctl.EXIT_OK;
    }
}
