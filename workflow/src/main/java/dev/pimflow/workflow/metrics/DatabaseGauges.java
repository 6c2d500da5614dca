package dev.pimflow.workflow.metrics;

import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.Status;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gauges read from the orchestrator's database, shared by every node (so on N nodes, aggregate them with {@code max},
 * not {@code sum}):
 * <ul>
 *   <li>{@value #ACTIVE} [{@code pimflow_activations_active}]: activations active in PIM right now;</li>
 *   <li>{@value #OUTBOX_BACKLOG} [{@code pimflow_outbox_backlog}]: outbound events committed but not yet acknowledged by Kafka
 *   (outbox rows, and chained audit records behind the publication cursor, ADR 0004);</li>
 *   <li>{@value #OUTBOX_OLDEST} [{@code pimflow_outbox_oldest_age_seconds}]: how long the oldest of them has waited (0 when empty).</li>
 * </ul>
 * The values are refreshed in the background every {@code pim.metrics.database-refresh} (default 5 s), so a scrape
 * never waits on the database and many scrapers cost no more queries; they are NaN while the database does not answer.
 */
@Component
public class DatabaseGauges {
    private static final Logger log = LoggerFactory.getLogger(DatabaseGauges.class);
    public static final String ACTIVE = "pimflow.activations.active";
    public static final String OUTBOX_BACKLOG = "pimflow.outbox.backlog";
    public static final String OUTBOX_OLDEST = "pimflow.outbox.oldest.age";

    private final JdbcTemplate jdbc;
    private final AuditTrail audit;
    private final Clock clock;
    private volatile double active = Double.NaN;
    private volatile double backlog = Double.NaN;
    private volatile double oldestAgeSeconds = Double.NaN;
    private volatile boolean failing;

    public DatabaseGauges(JdbcTemplate jdbc, AuditTrail audit, Clock clock, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        Gauge.builder(ACTIVE, this, g -> g.active)
                .description("Activations active in PIM (from the database)")
                .register(registry);
        Gauge.builder(OUTBOX_BACKLOG, this, g -> g.backlog)
                .description(
                        "Outbound events not yet acknowledged by Kafka (outbox rows and unpublished audit records)")
                .register(registry);
        Gauge.builder(OUTBOX_OLDEST, this, g -> g.oldestAgeSeconds)
                .baseUnit("seconds")
                .description("Age of the oldest outbound event not yet acknowledged (0 when there is none)")
                .register(registry);
    }

    @Scheduled(initialDelay = 0, fixedDelayString = "${pim.metrics.database-refresh}")
    public void refresh() {
        try {
            Long n = jdbc.queryForObject(
                    "SELECT COUNT(*) FROM activation WHERE status = ?", Long.class, Status.ACTIVE.wire());
            Long rows = jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Long.class);
            OffsetDateTime oldestRow = jdbc.queryForObject("SELECT MIN(created_at) FROM outbox", OffsetDateTime.class);
            long records = audit.unpublishedCount();
            Instant oldest = audit.oldestUnpublishedAt();
            if (oldestRow != null && (oldest == null || oldestRow.toInstant().isBefore(oldest))) {
                oldest = oldestRow.toInstant();
            }
            active = n == null ? 0 : n;
            backlog = (rows == null ? 0 : rows) + records;
            oldestAgeSeconds = oldest == null
                    ? 0
                    : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
            if (failing) {
                log.info("Database gauges are read again");
                failing = false;
            }
        } catch (RuntimeException e) {
            active = Double.NaN;
            backlog = Double.NaN;
            oldestAgeSeconds = Double.NaN;
            if (!failing) {
                log.warn("Database gauges cannot be read (reported as NaN until they can): {}", e.toString());
                failing = true;
            }
        }
    }
}
