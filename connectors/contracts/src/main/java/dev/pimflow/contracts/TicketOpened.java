package dev.pimflow.contracts;

import java.time.Instant;
import java.util.List;

/** {@code data} of {@code ticket.opened} (DESIGN §9.2): the ticket exists and is open, assigned to these principals. */
public record TicketOpened(
        String ticketSystem,
        String ticketNumber,
        String title,
        String priority,
        List<String> assignees,
        Instant openedAt) {}
