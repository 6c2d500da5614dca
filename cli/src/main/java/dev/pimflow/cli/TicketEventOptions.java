package dev.pimflow.cli;

import java.util.UUID;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options and the publishing that {@code ticket request} and {@code ticket close} share, as picocli mixins: one
 * for each place the options take in their help ({@code --ticket} first, {@code --ticket-system} after the command's
 * own options, {@code --event-id} and {@code --topic} last).
 */
final class TicketEventOptions {
    private TicketEventOptions() {}

    /** {@code --ticket}. */
    static final class Ticket {
        @Option(
                names = "--ticket",
                required = true,
                paramLabel = "<number>",
                description = "Ticket number, e.g. INC-4711.")
        String number;

        String validated(CommandLine cmd) {
            return Inputs.name(cmd, "--ticket", number, 100);
        }
    }

    /** {@code --ticket-system}. */
    static final class TicketSystem {
        @Option(
                names = "--ticket-system",
                paramLabel = "<name>",
                defaultValue = TicketCommand.DEFAULT_SYSTEM,
                description = "Ticket system the number belongs to (default: ${DEFAULT-VALUE}).")
        String name;

        String validated(CommandLine cmd) {
            return Inputs.name(cmd, "--ticket-system", name, 100);
        }
    }

    /** {@code --event-id} and {@code --topic}, and publishing the event on the topic, keyed by its ticket. */
    static final class Publication {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

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

        String eventId() {
            if (eventId == null) {
                eventId = UUID.randomUUID().toString();
            }
            return Inputs.name(spec.commandLine(), "--event-id", eventId, 200);
        }

        /** Publishes {@code event} keyed {@code <ticketSystem>:<ticketNumber>} and prints its id. */
        void publish(String ticketSystem, String ticketNumber, byte[] event) {
            String target = Inputs.topic(spec.commandLine(), "--topic", topic);
            KafkaIo kafka = new KafkaIo(Pimctl.kafka(spec));
            kafka.publishEvent(target, TicketCommand.key(ticketSystem, ticketNumber), event);
            spec.commandLine().getOut().println(eventId());
            spec.commandLine().getOut().flush();
        }
    }
}
