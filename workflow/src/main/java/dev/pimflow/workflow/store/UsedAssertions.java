package dev.pimflow.workflow.store;

import java.time.Clock;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Single use of MFA assertions (DESIGN §6.1). */
@Repository
public class UsedAssertions {
    private final JdbcTemplate jdbc;
    private final Clock clock;

    public UsedAssertions(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** @return false if the assertion was used before */
    public boolean use(String assertionId, String challengeId) {
        Integer seen = jdbc.queryForObject(
                "SELECT COUNT(*) FROM used_mfa_assertion WHERE assertion_id = ?", Integer.class, assertionId);
        if (seen != null && seen > 0) {
            return false;
        }
        // a concurrent replay fails here on the primary key; its transaction is retried and then sees this row
        jdbc.update(
                "INSERT INTO used_mfa_assertion (assertion_id, challenge_id, used_at) VALUES (?, ?, ?)",
                assertionId,
                challengeId,
                ActivationStore.ts(clock.instant()));
        return true;
    }
}
