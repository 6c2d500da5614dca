package dev.pimflow.workflow.store;

import static dev.pimflow.workflow.store.ActivationStore.instant;
import static dev.pimflow.workflow.store.ActivationStore.ts;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The extensions of active activations (DESIGN §9.3): what was asked, by whom, and what became of it. An extension's
 * MFA answer is recorded on its row in the transaction that used the answer's proof once; the step that extends in PIM
 * asks for that record, for this extension's own challenge.
 */
@Repository
public class Extensions {
    /** Asked; the process checks it against the role's policy. */
    public static final String REQUESTED = "requested";
    /** The person was asked to confirm with MFA again. */
    public static final String PENDING_MFA = "pending-mfa";
    /** Confirmed; the role's approvers are asked again (isApprovalRequiredForExtension). */
    public static final String PENDING_APPROVAL = "pending-approval";

    public static final String EXTENDED = "extended";
    /** Refused before anything was asked of the person (the reason says why). */
    public static final String REFUSED = "refused";
    /** Denied by a check: MFA, approval, the policy's maximum, PIM. */
    public static final String DENIED = "denied";
    /** The activation ended while the extension waited. */
    public static final String CANCELLED = "cancelled";

    /** In self-activate mode the person's own sign-in activated the role; pimflow holds no token to extend with. */
    public static final String SELF_ACTIVATE_MODE = "self-activate-mode";

    private static final Set<String> OPEN = Set.of(REQUESTED, PENDING_MFA, PENDING_APPROVAL);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public Extensions(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** One extension as asked and decided. */
    public record Extension(
            String id,
            String activationId,
            int round,
            String status,
            String reason,
            String duration,
            String justification,
            String requestedBy,
            String requestRef,
            Instant requestedAt,
            String challengeId,
            String mfaAssertionId,
            int approvalStages,
            Instant decidedAt,
            Instant newEndDateTime) {
        /** Asked and not yet extended, denied or cancelled. */
        public boolean open() {
            return OPEN.contains(status);
        }
    }

    private static final RowMapper<Extension> ROW = (rs, n) -> new Extension(
            rs.getString("id"),
            rs.getString("activation_id"),
            rs.getInt("round"),
            rs.getString("status"),
            rs.getString("reason"),
            rs.getString("duration"),
            rs.getString("justification"),
            rs.getString("requested_by"),
            rs.getString("request_ref"),
            instant(rs, "requested_at"),
            rs.getString("challenge_id"),
            rs.getString("mfa_assertion_id"),
            rs.getInt("approval_stages"),
            instant(rs, "decided_at"),
            instant(rs, "new_end_date_time"));

    /**
     * Records an extension request as the next round of its activation (whose row the caller holds locked), with the
     * status given: {@link #REQUESTED}, or {@link #REFUSED} with its reason.
     */
    public Extension record(
            String id,
            String activationId,
            String status,
            String reason,
            String duration,
            String justification,
            String requestedBy,
            String requestRef) {
        Integer last = jdbc.queryForObject(
                "SELECT MAX(round) FROM activation_extension WHERE activation_id = ?", Integer.class, activationId);
        int round = last == null ? 1 : last + 1;
        Instant now = clock.instant();
        jdbc.update(
                """
                INSERT INTO activation_extension (id, activation_id, round, status, reason, duration, justification,
                    requested_by, request_ref, requested_at, decided_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                id,
                activationId,
                round,
                status,
                reason,
                duration,
                justification,
                requestedBy,
                requestRef,
                ts(now),
                OPEN.contains(status) ? null : ts(now));
        return find(id).orElseThrow();
    }

    public Optional<Extension> find(String id) {
        return jdbc.query("SELECT * FROM activation_extension WHERE id = ?", ROW, id).stream()
                .findFirst();
    }

    /** The activation's extension of this round. */
    public Optional<Extension> round(String activationId, int round) {
        return jdbc
                .query(
                        "SELECT * FROM activation_extension WHERE activation_id = ? AND round = ?",
                        ROW,
                        activationId,
                        round)
                .stream()
                .findFirst();
    }

    /** The activation's extension that is asked and not yet decided, if any (at most one at a time). */
    public Optional<Extension> open(String activationId) {
        return jdbc
                .query(
                        "SELECT * FROM activation_extension WHERE activation_id = ? AND status IN (?, ?, ?)",
                        ROW,
                        activationId,
                        REQUESTED,
                        PENDING_MFA,
                        PENDING_APPROVAL)
                .stream()
                .findFirst();
    }

    /** The open extension whose MFA challenge this is. */
    public Optional<Extension> awaitingMfa(String activationId, String challengeId) {
        if (challengeId == null) {
            return Optional.empty();
        }
        return jdbc
                .query(
                        "SELECT * FROM activation_extension WHERE activation_id = ? AND challenge_id = ? AND status = ?",
                        ROW,
                        activationId,
                        challengeId,
                        PENDING_MFA)
                .stream()
                .findFirst();
    }

    /** The activation's extension whose MFA challenge this is, whatever became of it. */
    public Optional<Extension> ofChallenge(String activationId, String challengeId) {
        if (challengeId == null) {
            return Optional.empty();
        }
        return jdbc
                .query(
                        "SELECT * FROM activation_extension WHERE activation_id = ? AND challenge_id = ?",
                        ROW,
                        activationId,
                        challengeId)
                .stream()
                .findFirst();
    }

    /** The person is asked to confirm this extension with MFA: its own challenge. */
    public void challengeIssued(String id, String challengeId, int approvalStages) {
        jdbc.update(
                "UPDATE activation_extension SET status = ?, challenge_id = ?, approval_stages = ? WHERE id = ?",
                PENDING_MFA,
                challengeId,
                approvalStages,
                id);
    }

    /**
     * The person approved this extension's challenge; called in the transaction that used the answer's proof once.
     * Moves on to {@link #PENDING_APPROVAL} when the policy asks approvers again, else stays for the extension step.
     */
    public void mfaApproved(String id, String assertionId) {
        jdbc.update(
                "UPDATE activation_extension SET mfa_assertion_id = ?, status = CASE WHEN approval_stages > 0 THEN ?"
                        + " ELSE status END WHERE id = ? AND status = ?",
                assertionId,
                PENDING_APPROVAL,
                id,
                PENDING_MFA);
    }

    /**
     * Whether pimflow verified and recorded an MFA approval of this extension's own challenge, with the single use of
     * its proof for that same challenge beside it.
     */
    public boolean mfaVerified(Extension e) {
        if (e.challengeId() == null || e.mfaAssertionId() == null) {
            return false;
        }
        Integer n = jdbc.queryForObject("""
                SELECT COUNT(*) FROM activation_extension x JOIN used_mfa_assertion u ON u.assertion_id = x.mfa_assertion_id
                WHERE x.id = ? AND u.challenge_id = x.challenge_id""", Integer.class, e.id());
        return n != null && n > 0;
    }

    /** The extension ended: {@link #EXTENDED} (with the new end), {@link #DENIED} or {@link #CANCELLED}. */
    public boolean closed(String id, String status, String reason, Instant newEnd) {
        return jdbc.update(
                        "UPDATE activation_extension SET status = ?, reason = ?, new_end_date_time = ?, decided_at = ?"
                                + " WHERE id = ? AND status IN (?, ?, ?)",
                        status,
                        reason,
                        ts(newEnd),
                        ts(clock.instant()),
                        id,
                        REQUESTED,
                        PENDING_MFA,
                        PENDING_APPROVAL)
                > 0;
    }
}
