package dev.pimflow.workflow.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * What pimflow knows of each ticket from {@code tickets.events} (DESIGN §9.2): open or closed, and its assignees. Written
 * in the ticket listener's transaction, in the order of the ticket's events (one key, one partition).
 */
@Repository
public class Tickets {
    public static final String OPEN = "open";
    public static final String CLOSED = "closed";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public Tickets(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A ticket as pimflow knows it. */
    public record Ticket(
            String ticketSystem,
            String ticketNumber,
            String state,
            String title,
            String priority,
            Set<String> assignees,
            Instant openedAt,
            Instant assignedAt,
            Instant closedAt,
            Instant reopenedAt,
            String lastEventId,
            Instant updatedAt) {
        public boolean open() {
            return OPEN.equals(state);
        }
    }

    public Optional<Ticket> find(String ticketSystem, String ticketNumber) {
        List<Ticket> found = jdbc.query(
                "SELECT * FROM ticket WHERE ticket_system = ? AND ticket_number = ?",
                (rs, n) -> new Ticket(
                        rs.getString("ticket_system"),
                        rs.getString("ticket_number"),
                        rs.getString("state"),
                        rs.getString("title"),
                        rs.getString("priority"),
                        assignees(ticketSystem, ticketNumber),
                        ActivationStore.instant(rs, "opened_at"),
                        ActivationStore.instant(rs, "assigned_at"),
                        ActivationStore.instant(rs, "closed_at"),
                        ActivationStore.instant(rs, "reopened_at"),
                        rs.getString("last_event_id"),
                        ActivationStore.instant(rs, "updated_at")),
                ticketSystem,
                ticketNumber);
        return found.stream().findFirst();
    }

    /** {@code ticket.opened}: open, with its title, priority and assignees (a known ticket is updated). */
    public void opened(
            String ticketSystem,
            String ticketNumber,
            String title,
            String priority,
            List<String> assignees,
            Instant openedAt,
            String eventId) {
        upsert(ticketSystem, ticketNumber, OPEN, eventId);
        jdbc.update(
                "UPDATE ticket SET title = ?, priority = ?, opened_at = ?, assigned_at = ? WHERE ticket_system = ? AND ticket_number = ?",
                title,
                priority,
                ActivationStore.ts(openedAt),
                ActivationStore.ts(openedAt),
                ticketSystem,
                ticketNumber);
        replaceAssignees(ticketSystem, ticketNumber, assignees);
    }

    /**
     * {@code ticket.assigned}: the full current list of assignees replaces the last one. A ticket not seen before is
     * taken as open, unless its closure was seen. Returns the assignees it had before.
     */
    public Set<String> assigned(
            String ticketSystem, String ticketNumber, List<String> assignees, Instant assignedAt, String eventId) {
        Set<String> before = assignees(ticketSystem, ticketNumber);
        upsert(ticketSystem, ticketNumber, null, eventId);
        jdbc.update(
                "UPDATE ticket SET assigned_at = ? WHERE ticket_system = ? AND ticket_number = ?",
                ActivationStore.ts(assignedAt),
                ticketSystem,
                ticketNumber);
        replaceAssignees(ticketSystem, ticketNumber, assignees);
        return before;
    }

    public void closed(String ticketSystem, String ticketNumber, Instant closedAt, String eventId) {
        upsert(ticketSystem, ticketNumber, CLOSED, eventId);
        jdbc.update(
                "UPDATE ticket SET closed_at = ? WHERE ticket_system = ? AND ticket_number = ?",
                ActivationStore.ts(closedAt),
                ticketSystem,
                ticketNumber);
    }

    public void reopened(String ticketSystem, String ticketNumber, Instant reopenedAt, String eventId) {
        upsert(ticketSystem, ticketNumber, OPEN, eventId);
        jdbc.update(
                "UPDATE ticket SET reopened_at = ? WHERE ticket_system = ? AND ticket_number = ?",
                ActivationStore.ts(reopenedAt),
                ticketSystem,
                ticketNumber);
    }

    /** Creates the row, or sets its state (null: an unknown ticket is open unless its closure is on record). */
    private void upsert(String ticketSystem, String ticketNumber, String state, String eventId) {
        Instant now = clock.instant();
        int updated = state == null
                ? jdbc.update(
                        "UPDATE ticket SET last_event_id = ?, updated_at = ? WHERE ticket_system = ? AND ticket_number = ?",
                        eventId,
                        ActivationStore.ts(now),
                        ticketSystem,
                        ticketNumber)
                : jdbc.update(
                        "UPDATE ticket SET state = ?, last_event_id = ?, updated_at = ? WHERE ticket_system = ? AND ticket_number = ?",
                        state,
                        eventId,
                        ActivationStore.ts(now),
                        ticketSystem,
                        ticketNumber);
        if (updated == 0) {
            String initial = state;
            if (initial == null) {
                Integer closed = jdbc.queryForObject(
                        "SELECT COUNT(*) FROM closed_ticket WHERE ticket_system = ? AND ticket_number = ?",
                        Integer.class,
                        ticketSystem,
                        ticketNumber);
                initial = closed != null && closed > 0 ? CLOSED : OPEN;
            }
            jdbc.update(
                    "INSERT INTO ticket (ticket_system, ticket_number, state, last_event_id, updated_at) VALUES (?, ?, ?, ?, ?)",
                    ticketSystem,
                    ticketNumber,
                    initial,
                    eventId,
                    ActivationStore.ts(now));
        }
    }

    private void replaceAssignees(String ticketSystem, String ticketNumber, List<String> assignees) {
        jdbc.update(
                "DELETE FROM ticket_assignee WHERE ticket_system = ? AND ticket_number = ?",
                ticketSystem,
                ticketNumber);
        for (String p : new TreeSet<>(
                assignees.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList())) {
            jdbc.update(
                    "INSERT INTO ticket_assignee (ticket_system, ticket_number, principal_id) VALUES (?, ?, ?)",
                    ticketSystem,
                    ticketNumber,
                    p);
        }
    }

    private Set<String> assignees(String ticketSystem, String ticketNumber) {
        return new TreeSet<>(jdbc.queryForList(
                "SELECT principal_id FROM ticket_assignee WHERE ticket_system = ? AND ticket_number = ?",
                String.class,
                ticketSystem,
                ticketNumber));
    }
}
