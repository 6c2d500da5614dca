package dev.pimflow.workflow.store;

import dev.pimflow.pim.Assignment;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * In {@code self-activate} mode, what PIM answered the person's own {@code selfActivate} (DESIGN §9.1), sent from the
 * confirmation page's callback with the delegated token of their sign-in, which is used there once and never kept. The
 * activation step records this answer instead of asking PIM itself; it counts only for the challenge it was made for.
 */
@Repository
public class SelfActivations {
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public SelfActivations(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** PIM's answer to one selfActivate: the assignment it made, or the refusal (PIM's code and message). */
    public record Outcome(Assignment assignment, String denial) {
        public boolean denied() {
            return denial != null;
        }
    }

    public void activated(String activationId, String challengeId, Assignment a) {
        jdbc.update(
                """
                INSERT INTO self_activation (activation_id, challenge_id, pim_request_id, pim_status, start_at, end_at,
                    adopted, denial, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)""",
                activationId,
                challengeId,
                a.requestId(),
                a.status(),
                a.startDateTime() == null ? null : ActivationStore.ts(a.startDateTime()),
                a.endDateTime() == null ? null : ActivationStore.ts(a.endDateTime()),
                a.adopted(),
                ActivationStore.ts(clock.instant()));
    }

    public void denied(String activationId, String challengeId, String denial) {
        jdbc.update(
                """
                INSERT INTO self_activation (activation_id, challenge_id, adopted, denial, recorded_at)
                VALUES (?, ?, FALSE, ?, ?)""",
                activationId,
                challengeId,
                denial.length() > 2000 ? denial.substring(0, 2000) : denial,
                ActivationStore.ts(clock.instant()));
    }

    /** PIM's answer for this activation's current challenge, if the person's sign-in sent one. */
    public Optional<Outcome> find(String activationId, String challengeId) {
        if (activationId == null || challengeId == null) {
            return Optional.empty();
        }
        List<Outcome> found = jdbc.query(
                "SELECT * FROM self_activation WHERE activation_id = ? AND challenge_id = ?",
                (rs, n) -> rs.getString("denial") != null
                        ? new Outcome(null, rs.getString("denial"))
                        : new Outcome(
                                new Assignment(
                                        rs.getString("pim_request_id"),
                                        rs.getString("pim_status"),
                                        ActivationStore.instant(rs, "start_at"),
                                        ActivationStore.instant(rs, "end_at"),
                                        rs.getBoolean("adopted")),
                                null),
                activationId,
                challengeId);
        return found.stream().findFirst();
    }
}
