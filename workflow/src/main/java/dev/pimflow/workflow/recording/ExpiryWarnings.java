package dev.pimflow.workflow.recording;

import dev.pimflow.contracts.ActivationExpiring;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.outbox.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code activation.expiring} (DESIGN §9.3): an active activation whose end is within {@code
 * pim.activations.expiry-warning} is announced on {@code pim.activations}, once for that end, so the ticket system can
 * ask for more time before the role goes. The row's {@code expiry_warned_for} is the end announced; taking it is a
 * conditional update, so with several nodes one sends it, through the outbox, in the same transaction.
 */
@Component
public class ExpiryWarnings {
    private static final Logger log = LoggerFactory.getLogger(ExpiryWarnings.class);
    private static final int BATCH = 100;

    private final JdbcTemplate jdbc;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final PimProperties.Topics topics;
    private final PimProperties.Activations settings;

    public ExpiryWarnings(
            JdbcTemplate jdbc, Outbox outbox, TransactionTemplate tx, Clock clock, PimProperties properties) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
        this.topics = properties.topics();
        this.settings = properties.activations();
    }

    private record Due(
            String id,
            String ticketSystem,
            String ticketNumber,
            String principalId,
            String roleDefinitionId,
            String directoryScopeId,
            OffsetDateTime end) {}

    /** @return how many warnings this call sent */
    @Scheduled(initialDelay = 1000, fixedDelayString = "${pim.activations.expiry-check-interval}")
    public int warn() {
        Instant now = clock.instant();
        List<Due> due = jdbc.query(
                """
                SELECT id, ticket_system, ticket_number, principal_id, role_definition_id, directory_scope_id,
                    end_date_time FROM activation
                WHERE status = ? AND end_date_time > ? AND end_date_time <= ?
                  AND (expiry_warned_for IS NULL OR expiry_warned_for <> end_date_time)
                ORDER BY end_date_time LIMIT ?""",
                (rs, n) -> new Due(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getObject(7, OffsetDateTime.class)),
                Status.ACTIVE.wire(),
                at(now),
                at(now.plus(settings.expiryWarning())),
                BATCH);
        int sent = 0;
        for (Due d : due) {
            Boolean took = tx.execute(s -> {
                int taken = jdbc.update(
                        "UPDATE activation SET expiry_warned_for = end_date_time WHERE id = ? AND status = ?"
                                + " AND end_date_time = ?"
                                + " AND (expiry_warned_for IS NULL OR expiry_warned_for <> end_date_time)",
                        d.id(),
                        Status.ACTIVE.wire(),
                        d.end());
                if (taken == 0) {
                    return false; // another node sent it, or the activation ended or changed meanwhile
                }
                outbox.publish(
                        topics.activations(),
                        d.id(),
                        EventTypes.ACTIVATION_EXPIRING,
                        d.id(),
                        new ActivationExpiring(
                                d.id(),
                                d.ticketSystem(),
                                d.ticketNumber(),
                                d.principalId(),
                                d.roleDefinitionId(),
                                d.directoryScopeId(),
                                d.end().toInstant()));
                return true;
            });
            if (Boolean.TRUE.equals(took)) {
                sent++;
                log.info("activation {} ends at {}: activation.expiring sent", d.id(), d.end());
            }
        }
        return sent;
    }

    private static OffsetDateTime at(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }
}
