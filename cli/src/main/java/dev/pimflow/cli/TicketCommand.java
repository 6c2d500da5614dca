package dev.pimflow.cli;

import picocli.CommandLine.Command;

/** {@code pimctl ticket}: what a ticket system publishes on {@code tickets.events}. */
@Command(
        name = "ticket",
        mixinStandardHelpOptions = true,
        description = "Publish ticket events on tickets.events, as a ticket system would.",
        subcommands = {TicketRequestCommand.class, TicketCloseCommand.class})
class TicketCommand extends CommandGroup {
    static final String DEFAULT_TOPIC = "tickets.events";
    static final String DEFAULT_SYSTEM = "Contoso ICM";

    /** The record key of DESIGN §3: {@code <ticketSystem>:<ticketNumber>}. */
    static String key(String ticketSystem, String ticketNumber) {
        return ticketSystem + ":" + ticketNumber;
    }
}
