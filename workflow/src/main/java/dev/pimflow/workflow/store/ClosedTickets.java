package dev.pimflow.workflow.store;

import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Tickets known to be closed, so that a late request for one is denied (DESIGN §5). */
@Repository
public class ClosedTickets {
    private final JdbcTemplate jdbc;

    public ClosedTickets(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void remember(String ticketSystem, String ticketNumber, Instant closedAt, String eventId) {
        if (!isClosed(ticketSystem, ticketNumber)) {
            jdbc.update(
                    "INSERT INTO closed_ticket (ticket_system, ticket_number, closed_at, event_id) VALUES (?, ?, ?, ?)",
                    ticketSystem,
                    ticketNumber,
                    ActivationStore.ts(closedAt),
                    eventId);
        }
    }

    /** A reopened ticket: new requests for it are accepted again (what its closure revoked stays revoked). */
    public void forget(String ticketSystem, String ticketNumber) {
        jdbc.update(
                "DELETE FROM closed_ticket WHERE ticket_system = ? AND ticket_number = ?", ticketSystem, ticketNumber);
    }

    public boolean isClosed(String ticketSystem, String ticketNumber) {
        Integer n = jdbc.queryForObject(
                "SELECT COUNT(*) FROM closed_ticket WHERE ticket_system = ? AND ticket_number = ?",
                Integer.class,
                ticketSystem,
                ticketNumber);
        return n != null && n > 0;
    }
}
