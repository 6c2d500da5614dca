package dev.pimflow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The options and the publishing that the ticket commands share, as picocli mixins: one for each place the options take
 * in their help ({@code --ticket} or {@code <number>} first, {@code --ticket-system} or {@code --system} after the
 * command's own options, {@code --event-id} and {@code --topic} last).
 */
final class TicketEventOptions {
    /** The contract's limit on {@code assignees} (schemas ticket.opened, ticket.assigned). */
    static final int MAX_ASSIGNEES = 50;

    private TicketEventOptions() {}

    /** {@code <number>}: the ticket number as the first parameter ({@code ticket open|assign|reopen|show}). */
    static final class Number {
        @Parameters(index = "0", paramLabel = "<number>", description = "Ticket number, e.g. INC-4711.")
        String number;

        String validated(CommandLine cmd) {
            return Inputs.name(cmd, "<number>", number, 100);
        }
    }

    /**
     * {@code --system} ({@code ticket open|assign|reopen|show}); {@code --ticket-system}, the name {@code request} and
     * {@code close} use, works too.
     */
    static final class SystemName {
        @Option(
                names = {"--system", "--ticket-system"},
                paramLabel = "<name>",
                defaultValue = TicketCommand.DEFAULT_SYSTEM,
                description = "Ticket system the number belongs to (default: ${DEFAULT-VALUE}).")
        String name;

        String validated(CommandLine cmd) {
            return Inputs.name(cmd, "--system", name, 100);
        }
    }

    /**
     * The assignees of {@code ticket open} and {@code ticket assign}, checked: object ids, none twice (in any case),
     * at most {@link #MAX_ASSIGNEES}. A bad one is a usage error naming {@code option}.
     */
    static List<String> assignees(CommandLine cmd, String option, List<String> values) {
        List<String> checked = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String value : values == null ? List.<String>of() : values) {
            String id = Inputs.guid(cmd, option, value);
            if (!seen.add(id.toLowerCase(Locale.ROOT))) {
                throw Inputs.invalid(cmd, option, value, "is given twice");
            }
            checked.add(id);
        }
        if (checked.size() > MAX_ASSIGNEES) {
            throw new CommandLine.ParameterException(
                    cmd,
                    "Invalid value for option '" + option + "': " + checked.size() + " assignees, at most "
                            + MAX_ASSIGNEES + " are allowed");
        }
        return checked;
    }

    /** A structured-mode ticket event whose {@code data} leaves out the optional fields that are null. */
    static byte[] event(String eventId, String type, Object data) {
        ObjectNode node = Events.mapper().valueToTree(data);
        List<String> nulls = new ArrayList<>();
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                nulls.add(e.getKey());
            }
        });
        node.remove(nulls);
        return Events.codec().writeInbound(eventId, type, Events.SOURCE, node);
    }

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
            KafkaSettings kafka = Pimctl.kafka(spec);
            TicketCommand group = (TicketCommand) spec.parent().userObject();
            group.publisher.publish(kafka, target, TicketCommand.key(ticketSystem, ticketNumber), event);
            spec.commandLine().getOut().println(eventId());
            spec.commandLine().getOut().flush();
        }
    }
}
