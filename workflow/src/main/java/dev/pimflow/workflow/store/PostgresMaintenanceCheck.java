package dev.pimflow.workflow.store;

import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Warns at start when the PostgreSQL server runs without autovacuum: Camunda's runtime tables are written and deleted
 * all the time, and without fresh statistics PostgreSQL plans the engine's variable lookups through an index that
 * reads the whole table (bench/README.md measured 3,900 instead of 590 rows read per lifecycle).
 */
@Component
public class PostgresMaintenanceCheck {
    private static final Logger log = LoggerFactory.getLogger(PostgresMaintenanceCheck.class);

    private final DataSource dataSource;

    public PostgresMaintenanceCheck(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void check() {
        String autovacuum = autovacuum();
        if (autovacuum != null && !"on".equalsIgnoreCase(autovacuum)) {
            log.warn(
                    "PostgreSQL runs with autovacuum={}: Camunda's runtime tables churn, and without autovacuum their statistics go "
                            + "stale and every variable lookup reads whole tables. Turn autovacuum on (PostgreSQL's default), or run "
                            + "VACUUM (ANALYZE) on this database regularly.",
                    autovacuum);
        }
    }

    /** The server's autovacuum setting, or null when the database is not PostgreSQL (or cannot say). */
    String autovacuum() {
        if (!Databases.isPostgres(dataSource)) {
            return null;
        }
        try {
            return new JdbcTemplate(dataSource).queryForObject("SHOW autovacuum", String.class);
        } catch (RuntimeException e) {
            log.debug("Could not read PostgreSQL's autovacuum setting: {}", e.toString());
            return null;
        }
    }
}
