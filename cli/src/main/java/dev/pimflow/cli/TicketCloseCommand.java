package dev.pimflow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.TicketClosed;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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

    @Option(names = "--ticket", required = true, paramLabel = "<number>", description = "Ticket number, e.g. INC-4711.")
    String ticketNumber;

    @Option(
            names = "--ticket-system",
            paramLabel = "<name>",
            defaultValue = TicketCommand.DEFAULT_SYSTEM,
            description = "Ticket system the number belongs to (default: ${DEFAULT-VALUE}).")
    String ticketSystem;

    @Option(names = "--resolution", paramLabel = "<text>", description = "How the ticket was resolved (optional).")
    String resolution;

    @Option(
            names = "--event-id",
            paramLabel = "<id>",
            description =
                    "CloudEvents id (default: a new UUID). Publishing again with the same id is a no-op for the orchestrator.")
    String eventId;

    @Option(
            names = "--topic",
            paramLabel = "<topic>",
            defaultValue = TicketCommand.DEFAULT_TOPIC,
            description = "Topic to publish on (default: ${DEFAULT-VALUE}).")
    String topic;

    Clock clock = Clock.systemUTC();

    TicketClosed data() {
        CommandLine cmd = spec.commandLine();
        return new TicketClosed(
                Inputs.name(cmd, "--ticket-system", ticketSystem, 100),
                Inputs.name(cmd, "--ticket", ticketNumber, 100),
                clock.instant().truncatedTo(ChronoUnit.MILLIS),
                resolution == null ? null : Inputs.text(cmd, "--resolution", resolution, 500));
    }

    String eventId() {
        if (eventId == null) {
            eventId = UUID.randomUUID().toString();
        }
        return Inputs.name(spec.commandLine(), "--event-id", eventId, 200);
    }

    /** The structured-mode CloudEvent this command publishes (package-private for tests); no resolution, no field. */
    byte[] buildEvent() {
        return buildEvent(data());
    }

    private byte[] buildEvent(TicketClosed closed) {
        byte[] event = event(eventId(), closed);
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
                        String.valueOf(ticketSystem),
                        "--ticket",
                        String.valueOf(ticketNumber),
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
        String target = Inputs.topic(spec.commandLine(), "--topic", topic);
        KafkaIo kafka = new KafkaIo(Pimctl.kafka(spec));
        kafka.publishEvent(target, TicketCommand.key(data.ticketSystem(), data.ticketNumber()), event);
        spec.commandLine().getOut().println(eventId());
        spec.commandLine().getOut().flush();
        return Pimctl.EXIT_OK;
    }
}
