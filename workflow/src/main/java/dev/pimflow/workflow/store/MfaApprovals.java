package dev.pimflow.workflow.store;

import java.time.Clock;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The MFA approvals pimflow verified itself (DESIGN §6.1, against insiders): the proof the activation step asks for.
 * An approval counts only for the activation and challenge it was verified for, and only with the single-use record
 * of its assertion for that same challenge beside it.
 */
@Repository
public class MfaApprovals {
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public MfaApprovals(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Called in the transaction that verified the assertion and used it. */
    public void approved(String activationId, String challengeId, String assertionId) {
        jdbc.update(
                "INSERT INTO mfa_approval (activation_id, challenge_id, assertion_id, approved_at) VALUES (?, ?, ?, ?)",
                activationId,
                challengeId,
                assertionId,
                ActivationStore.ts(clock.instant()));
    }

    /** Whether pimflow verified and recorded an approval of this activation's current challenge. */
    public boolean verified(String activationId, String challengeId) {
        if (activationId == null || challengeId == null) {
            return false;
        }
        Integer n = jdbc.queryForObject("""
                SELECT COUNT(*) FROM mfa_approval a JOIN used_mfa_assertion u ON u.assertion_id = a.assertion_id
                WHERE a.activation_id = ? AND a.challenge_id = ? AND u.challenge_id = a.challenge_id""", Integer.class, activationId, challengeId);
        return n != null && n > 0;
    }
}
