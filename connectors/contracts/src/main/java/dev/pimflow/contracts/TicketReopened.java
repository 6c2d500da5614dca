package dev.pimflow.contracts;

import java.time.Instant;

/**
 * {@code data} of {@code ticket.reopened} (DESIGN §9.2): the ticket is open again. A revoked activation stays revoked;
 * new requests for the ticket are accepted again.
 */
public record TicketReopened(String ticketSystem, String ticketNumber, Instant reopenedAt) {}
