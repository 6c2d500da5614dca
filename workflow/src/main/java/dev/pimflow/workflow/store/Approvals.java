package dev.pimflow.workflow.store;

import static dev.pimflow.workflow.store.ActivationStore.instant;
import static dev.pimflow.workflow.store.ActivationStore.ts;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The stages of a role's approval pimflow asked, who may decide each, and what was decided (DESIGN §9.3). This is the
 * proof the activation step asks for: a stage counts as approved only by a decision recorded here, after pimflow checked
 * that its approver was one of the stage's approvers, not the requester, and that the stage was still pending.
 */
@Repository
public class Approvals {
    public static final String ACTIVATION = "activation";
    public static final String EXTENSION = "extension";

    /** A stage's {@code status}. */
    public static final String PENDING = "pending";

    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";
    public static final String TIMED_OUT = "timed-out";
    public static final String CANCELLED = "cancelled";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public Approvals(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** One stage as asked and decided. */
    public record Approval(
            String id,
            String activationId,
            String purpose,
            int round,
            int stage,
            int stages,
            String status,
            boolean justificationRequired,
            Instant requestedAt,
            Instant dueAt,
            Instant escalateAt,
            Instant escalatedAt,
            String taskId,
            String decidedBy,
            Instant decidedAt,
            String decisionJustification,
            String channel,
            String decisionRef) {

        public boolean pending() {
            return PENDING.equals(status);
        }
    }

    /**
     * Records a stage as asked; the approvers are fixed now. Asking the same stage of the same round again (a retried
     * job) returns the stage already recorded.
     */
    public Approval ask(
            String id,
            String activationId,
            String purpose,
            int round,
            int stage,
            int stages,
            boolean justificationRequired,
            Instant dueAt,
            Instant escalateAt,
            Set<String> approvers,
            Set<String> escalationApprovers) {
        Optional<Approval> existing = stage(activationId, round, stage);
        if (existing.isPresent()) {
            return existing.get();
        }
        jdbc.update(
                """
                INSERT INTO approval_request (id, activation_id, purpose, round, stage, stages, status,
                    justification_required, requested_at, due_at, escalate_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                id,
                activationId,
                purpose,
                round,
                stage,
                stages,
                PENDING,
                justificationRequired,
                ts(clock.instant()),
                ts(dueAt),
                ts(escalateAt));
        Set<String> primary = lower(approvers);
        for (String user : primary) {
            jdbc.update(
                    "INSERT INTO approval_approver (approval_id, user_id, escalation) VALUES (?, ?, ?)",
                    id,
                    user,
                    false);
        }
        for (String user : lower(escalationApprovers)) {
            if (!primary.contains(user)) {
                jdbc.update(
                        "INSERT INTO approval_approver (approval_id, user_id, escalation) VALUES (?, ?, ?)",
                        id,
                        user,
                        true);
            }
        }
        return find(id).orElseThrow();
    }

    public Optional<Approval> find(String id) {
        return jdbc.query("SELECT * FROM approval_request WHERE id = ?", ROW, id).stream()
                .findFirst();
    }

    /** Locks the stage's row for a decision in this transaction. */
    public Optional<Approval> lock(String id) {
        return jdbc.query("SELECT * FROM approval_request WHERE id = ? FOR UPDATE", ROW, id).stream()
                .findFirst();
    }

    public Optional<Approval> stage(String activationId, int round, int stage) {
        return jdbc
                .query(
                        "SELECT * FROM approval_request WHERE activation_id = ? AND round = ? AND stage = ?",
                        ROW,
                        activationId,
                        round,
                        stage)
                .stream()
                .findFirst();
    }

    public Optional<Approval> byTask(String taskId) {
        return jdbc.query("SELECT * FROM approval_request WHERE task_id = ?", ROW, taskId).stream()
                .findFirst();
    }

    public List<Approval> ofActivation(String activationId) {
        return jdbc.query(
                "SELECT * FROM approval_request WHERE activation_id = ? ORDER BY round, stage", ROW, activationId);
    }

    /** Pending stages first, newest first; {@code pendingOnly} for the ones still waiting. */
    public List<Approval> list(boolean pendingOnly, int limit) {
        return jdbc.query(
                "SELECT * FROM approval_request" + (pendingOnly ? " WHERE status = '" + PENDING + "'" : "")
                        + " ORDER BY requested_at DESC LIMIT ?",
                ROW,
                limit);
    }

    /** Who may decide the stage now: its approvers, and its escalation approvers once it escalated. */
    public Set<String> approvers(Approval a) {
        String sql = "SELECT user_id FROM approval_approver WHERE approval_id = ?"
                + (a.escalatedAt() == null ? " AND escalation = FALSE" : "") + " ORDER BY escalation, user_id";
        return new LinkedHashSet<>(jdbc.queryForList(sql, String.class, a.id()));
    }

    public Set<String> escalationApprovers(String approvalId) {
        return new LinkedHashSet<>(jdbc.queryForList(
                "SELECT user_id FROM approval_approver WHERE approval_id = ? AND escalation = TRUE ORDER BY user_id",
                String.class,
                approvalId));
    }

    public boolean mayDecide(Approval a, String userId) {
        return userId != null && approvers(a).contains(userId.toLowerCase(Locale.ROOT));
    }

    public void taskCreated(String id, String taskId) {
        jdbc.update("UPDATE approval_request SET task_id = ? WHERE id = ?", taskId, id);
    }

    /** @return false when the stage had escalated already */
    public boolean escalated(String id) {
        return jdbc.update(
                        "UPDATE approval_request SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL"
                                + " AND status = '" + PENDING + "'",
                        ts(clock.instant()),
                        id)
                > 0;
    }

    /**
     * Records a checked decision on a pending stage.
     *
     * @return false when the stage was no longer pending (nothing changed)
     */
    public boolean decided(
            String id, boolean approved, String approver, String justification, String channel, String ref) {
        return jdbc.update(
                        """
                        UPDATE approval_request SET status = ?, decided_by = ?, decided_at = ?,
                            decision_justification = ?, channel = ?, decision_ref = ?
                        WHERE id = ? AND status = ?""",
                        approved ? APPROVED : DENIED,
                        approver.toLowerCase(Locale.ROOT),
                        ts(clock.instant()),
                        justification,
                        channel,
                        ref,
                        id,
                        PENDING)
                > 0;
    }

    /** A pending stage ends without a decision ({@link #TIMED_OUT}, {@link #CANCELLED}). */
    public boolean closed(String id, String status) {
        return jdbc.update(
                        "UPDATE approval_request SET status = ?, decided_at = ? WHERE id = ? AND status = ?",
                        status,
                        ts(clock.instant()),
                        id,
                        PENDING)
                > 0;
    }

    /** Every pending stage of the activation ends (the ticket closed, the activation was cancelled). */
    public int closeAll(String activationId, String status) {
        return jdbc.update(
                "UPDATE approval_request SET status = ?, decided_at = ? WHERE activation_id = ? AND status = ?",
                status,
                ts(clock.instant()),
                activationId,
                PENDING);
    }

    /**
     * Whether every one of the round's {@code stages} stages was approved by a recorded decision of one of its
     * approvers who is not {@code requester}.
     */
    public boolean allApproved(String activationId, int round, int stages, String requester) {
        if (stages <= 0) {
            return false;
        }
        Integer n = jdbc.queryForObject(
                """
                SELECT COUNT(DISTINCT r.stage) FROM approval_request r
                JOIN approval_approver p ON p.approval_id = r.id AND p.user_id = r.decided_by
                WHERE r.activation_id = ? AND r.round = ? AND r.status = ? AND r.stage BETWEEN 1 AND ?
                  AND r.decided_by <> ? AND (p.escalation = FALSE OR r.escalated_at IS NOT NULL)""", Integer.class, activationId, round, APPROVED, stages, requester.toLowerCase(Locale.ROOT));
        return n != null && n == stages;
    }

    private static Set<String> lower(Set<String> ids) {
        Set<String> out = new LinkedHashSet<>();
        if (ids != null) {
            for (String id : ids) {
                if (id != null && !id.isBlank()) {
                    out.add(id.toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    private static final RowMapper<Approval> ROW = (rs, n) -> new Approval(
            rs.getString("id"),
            rs.getString("activation_id"),
            rs.getString("purpose"),
            rs.getInt("round"),
            rs.getInt("stage"),
            rs.getInt("stages"),
            rs.getString("status"),
            rs.getBoolean("justification_required"),
            instant(rs, "requested_at"),
            instant(rs, "due_at"),
            instant(rs, "escalate_at"),
            instant(rs, "escalated_at"),
            rs.getString("task_id"),
            rs.getString("decided_by"),
            instant(rs, "decided_at"),
            rs.getString("decision_justification"),
            rs.getString("channel"),
            rs.getString("decision_ref"));
}
