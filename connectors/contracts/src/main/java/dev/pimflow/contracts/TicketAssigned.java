package dev.pimflow.contracts;

import java.time.Instant;
import java.util.List;

/** {@code data} of {@code ticket.assigned} (DESIGN §9.2): the full current list of assignees, replacing the last. */
public record TicketAssigned(String ticketSystem, String ticketNumber, List<String> assignees, Instant assignedAt) {}
