package dev.pimflow.workflow.store;

import dev.pimflow.contracts.Status;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

@Repository
public class ActivationStore {
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ActivationStore(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void insert(Activation a) {
        jdbc.update(
                """
                INSERT INTO activation (id, ticket_system, ticket_number, principal_id, role_definition_id, directory_scope_id,
                    justification, requested_duration, status, live_key, request_event_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                a.id(),
                a.ticketSystem(),
                a.ticketNumber(),
                a.principalId(),
                a.roleDefinitionId(),
                a.directoryScopeId(),
                a.justification(),
                a.requestedDuration(),
                a.status(),
                Activation.liveKey(
                        a.ticketSystem(),
                        a.ticketNumber(),
                        a.principalId(),
                        a.roleDefinitionId(),
                        a.directoryScopeId()),
                a.requestEventId(),
                ts(now()),
                ts(now()));
    }

    public void attachProcess(String id, String processInstanceId) {
        jdbc.update("UPDATE activation SET process_instance_id = ? WHERE id = ?", processInstanceId, id);
    }

    public Optional<Activation> find(String id) {
        return jdbc.query("SELECT * FROM activation WHERE id = ?", ROW, id).stream()
                .findFirst();
    }

    /** Locks the row for the rest of the transaction, so concurrent steps of one activation are serialised. */
    public Optional<Activation> lock(String id) {
        return jdbc.query("SELECT * FROM activation WHERE id = ? FOR UPDATE", ROW, id).stream()
                .findFirst();
    }

    public Optional<Activation> findLive(
            String ticketSystem, String ticketNumber, String principalId, String roleDefinitionId, String scope) {
        return jdbc
                .query(
                        "SELECT * FROM activation WHERE live_key = ?",
                        ROW,
                        Activation.liveKey(ticketSystem, ticketNumber, principalId, roleDefinitionId, scope))
                .stream()
                .findFirst();
    }

    /** Whether another activation holds the same (principal, role, scope) active in PIM right now. */
    public boolean anotherActive(Activation a) {
        Integer n = jdbc.queryForObject(
                "SELECT COUNT(*) FROM activation WHERE principal_id = ? AND role_definition_id = ?"
                        + " AND directory_scope_id = ? AND status = '" + Status.ACTIVE.wire() + "' AND id <> ?",
                Integer.class,
                a.principalId(),
                a.roleDefinitionId(),
                a.directoryScopeId(),
                a.id());
        return n != null && n > 0;
    }

    /**
     * Another activation, of another ticket, that holds the same (principal, role, scope) active in PIM right now: PIM
     * keeps one assignment per principal, role and scope, and it belongs to that activation.
     */
    public Optional<Activation> activeHolder(Activation a) {
        return jdbc
                .query(
                        "SELECT * FROM activation WHERE principal_id = ? AND role_definition_id = ?"
                                + " AND directory_scope_id = ? AND status = '" + Status.ACTIVE.wire() + "' AND id <> ?",
                        ROW,
                        a.principalId(),
                        a.roleDefinitionId(),
                        a.directoryScopeId(),
                        a.id())
                .stream()
                .findFirst();
    }

    public Optional<Activation> findByProcessInstance(String processInstanceId) {
        return jdbc.query("SELECT * FROM activation WHERE process_instance_id = ?", ROW, processInstanceId).stream()
                .findFirst();
    }

    public Optional<Activation> findByChallenge(String challengeId) {
        return jdbc.query("SELECT * FROM activation WHERE challenge_id = ?", ROW, challengeId).stream()
                .findFirst();
    }

    public List<Activation> findByTicket(String ticketSystem, String ticketNumber) {
        return jdbc.query(
                "SELECT * FROM activation WHERE ticket_system = ? AND ticket_number = ? ORDER BY created_at",
                ROW,
                ticketSystem,
                ticketNumber);
    }

    public List<Activation> search(String ticketNumber, String principalId, String status, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM activation WHERE 1 = 1");
        List<Object> args = new java.util.ArrayList<>();
        if (ticketNumber != null) {
            sql.append(" AND ticket_number = ?");
            args.add(ticketNumber);
        }
        if (principalId != null) {
            sql.append(" AND principal_id = ?");
            args.add(principalId);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        sql.append(" ORDER BY created_at DESC LIMIT ").append(Math.max(1, Math.min(limit, 1000)));
        return jdbc.query(sql.toString(), ROW, args.toArray());
    }

    public void roleResolved(String id, String roleDisplayName) {
        jdbc.update(
                "UPDATE activation SET role_display_name = ?, updated_at = ? WHERE id = ?",
                roleDisplayName,
                ts(now()),
                id);
    }

    public void challengeIssued(String id, String challengeId, Instant expiresAt, Status status) {
        jdbc.update(
                "UPDATE activation SET challenge_id = ?, challenge_expires_at = ?, status = ?, updated_at = ? WHERE id = ?",
                challengeId,
                ts(expiresAt),
                status.wire(),
                ts(now()),
                id);
    }

    /** self-activate mode: PIM answered the person's selfActivate {@code PendingApproval}; its approvers decide. */
    public void awaitingPimApproval(String id, String pimRequestId) {
        jdbc.update(
                "UPDATE activation SET status = ?, pim_request_id = ?, updated_at = ? WHERE id = ?",
                Status.PENDING_APPROVAL.wire(),
                pimRequestId,
                ts(now()),
                id);
    }

    /** MFA approved; the role's approvers are asked now. */
    public void awaitingApproval(String id) {
        jdbc.update(
                "UPDATE activation SET status = ?, updated_at = ? WHERE id = ?",
                Status.PENDING_APPROVAL.wire(),
                ts(now()),
                id);
    }

    public void activated(String id, Status status, Instant start, Instant end, String pimRequestId) {
        jdbc.update(
                "UPDATE activation SET status = ?, start_date_time = ?, end_date_time = ?, pim_request_id = ?, updated_at = ? WHERE id = ?",
                status.wire(),
                ts(start),
                ts(end),
                pimRequestId,
                ts(now()),
                id);
    }

    /** An extension moved the active activation's end (DESIGN §9.3); its start stays what PIM counts from. */
    public void extended(String id, Instant end) {
        jdbc.update("UPDATE activation SET end_date_time = ?, updated_at = ? WHERE id = ?", ts(end), ts(now()), id);
    }

    /** A terminal status frees the live key, so the same ticket may ask again. */
    public void ended(String id, Status status, String reason) {
        jdbc.update(
                "UPDATE activation SET status = ?, reason = ?, live_key = NULL, updated_at = ? WHERE id = ?",
                status.wire(),
                reason,
                ts(now()),
                id);
    }

    private Instant now() {
        return clock.instant();
    }

    static OffsetDateTime ts(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static final RowMapper<Activation> ROW = (rs, n) -> Activation.builder()
            .id(rs.getString("id"))
            .ticketSystem(rs.getString("ticket_system"))
            .ticketNumber(rs.getString("ticket_number"))
            .principalId(rs.getString("principal_id"))
            .roleDefinitionId(rs.getString("role_definition_id"))
            .directoryScopeId(rs.getString("directory_scope_id"))
            .justification(rs.getString("justification"))
            .requestedDuration(rs.getString("requested_duration"))
            .roleDisplayName(rs.getString("role_display_name"))
            .status(rs.getString("status"))
            .reason(rs.getString("reason"))
            .processInstanceId(rs.getString("process_instance_id"))
            .challengeId(rs.getString("challenge_id"))
            .challengeExpiresAt(instant(rs, "challenge_expires_at"))
            .startDateTime(instant(rs, "start_date_time"))
            .endDateTime(instant(rs, "end_date_time"))
            .pimRequestId(rs.getString("pim_request_id"))
            .requestEventId(rs.getString("request_event_id"))
            .createdAt(instant(rs, "created_at"))
            .updatedAt(instant(rs, "updated_at"))
            .build();
}
