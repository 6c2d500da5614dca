package dev.pimflow.cli;

import picocli.CommandLine.Command;

/**
 * {@code pimctl ticket}: what a ticket system publishes on {@code tickets.events}, and what the orchestrator knows of a
 * ticket (DESIGN §9.2).
 */
@Command(
        name = "ticket",
        mixinStandardHelpOptions = true,
        description =
                "Publish ticket events on tickets.events, as a ticket system would (open, assign, request, close, "
                        + "reopen), and show what the orchestrator knows of a ticket through its REST API (show).",
        subcommands = {
            TicketOpenCommand.class,
            TicketAssignCommand.class,
            TicketRequestCommand.class,
            TicketCloseCommand.class,
            TicketReopenCommand.class,
            TicketShowCommand.class
        })
class TicketCommand extends CommandGroup {
    static final String DEFAULT_TOPIC = "tickets.events";
    static final String DEFAULT_SYSTEM = "Contoso ICM";

    /** Where the ticket commands' events go. */
    interface Publisher {
        void publish(KafkaSettings kafka, String topic, String key, byte[] cloudEvent);
    }

    /** Kafka; tests put a stand-in here. */
    Publisher publisher = (kafka, topic, key, cloudEvent) -> new KafkaIo(kafka).publishEvent(topic, key, cloudEvent);

    /** The record key of DESIGN §3: {@code <ticketSystem>:<ticketNumber>}. */
    static String key(String ticketSystem, String ticketNumber) {
        return ticketSystem + ":" + ticketNumber;
    }
}
