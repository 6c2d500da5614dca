package dev.pimflow.contracts;

import java.time.Instant;

/** {@code data} of {@code ticket.closed}. */
public record TicketClosed(String ticketSystem, String ticketNumber, Instant closedAt, String resolution) {}
