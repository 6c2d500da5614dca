package dev.pimflow.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fresh database for one system under test: an H2 file in the run's temp directory (the orchestrator's embedded
 * default, same URL options), or a new PostgreSQL database on 127.0.0.1:5432 (trust auth, user postgres), dropped at the end.
 */
final class Database implements AutoCloseable {
    static final String PG_HOST_URL =
            System.getProperty("pimflow.bench.postgres-url", "jdbc:postgresql://127.0.0.1:5432/");
    static final String PG_USER = System.getProperty("pimflow.bench.postgres-user", "postgres");

    final String kind;
    final String url;
    final String user;
    final String password;
    final String pgName;
    private final boolean keep;
    /** What stands in for autovacuum on this database, for the result file. */
    String maintenance = "n/a (H2)";

    private volatile boolean open = true;
    private Thread vacuum;
    private volatile int vacuumed;

    /** What stood in for autovacuum, with how many table vacuums it ran so far. */
    String maintenance() {
        return vacuum == null ? maintenance : maintenance + " (" + vacuumed + " table vacuums)";
    }

    /** How often the bench runs VACUUM (ANALYZE) when the server's autovacuum is off. */
    static final long VACUUM_EVERY_MS = Long.getLong("pimflow.bench.vacuum-every-ms", 10_000);

    private Database(String kind, String url, String user, String password, String pgName, boolean keep) {
        this.kind = kind;
        this.url = url;
        this.user = user;
        this.password = password;
        this.pgName = pgName;
        this.keep = keep;
    }

    /**
     * Camunda's runtime tables are written and deleted all the time; without statistics PostgreSQL plans the variable
     * lookup {@code EXECUTION_ID_ = ? AND TASK_ID_ IS NULL} through the {@code TASK_ID_} index and reads every row of
     * {@code ACT_RU_VARIABLE}, dead ones included. A production server runs autovacuum; where the server has it off (this
     * machine's does), the bench does autovacuum's job instead: every {@link #VACUUM_EVERY_MS} ms it runs
     * {@code VACUUM (ANALYZE)} on each table past autovacuum's default thresholds, for the orchestrator and the engine
     * floor alike.
     */
    private void startMaintenance() {
        String autovacuum;
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW autovacuum")) {
            autovacuum = rs.next() ? rs.getString(1) : "unknown";
        } catch (SQLException e) {
            autovacuum = "unknown";
        }
        if ("on".equals(autovacuum)) {
            maintenance = "server autovacuum (on)";
            return;
        }
        maintenance = "server autovacuum is " + autovacuum + ": every " + VACUUM_EVERY_MS
                + " ms the bench ran VACUUM (ANALYZE) on the " + "tables past autovacuum's default thresholds";
        vacuum = new Thread(
                () -> {
                    while (open) {
                        try {
                            Thread.sleep(VACUUM_EVERY_MS);
                        } catch (InterruptedException e) {
                            return;
                        }
                        try (Connection c = DriverManager.getConnection(url, user, password);
                                Statement s = c.createStatement()) {
                            // autovacuum's own default thresholds (autovacuum_vacuum_threshold 50 + scale factor 0.2 of
                            // the live
                            // rows; analyze: 50 + 0.1), so only the tables autovacuum would visit are vacuumed
                            List<String> due = new ArrayList<>();
                            try (ResultSet rs = s.executeQuery(
                                    "SELECT relname FROM pg_stat_user_tables WHERE n_dead_tup > 50 + 0.2 * n_live_tup "
                                            + "OR n_mod_since_analyze > 50 + 0.1 * n_live_tup")) {
                                while (rs.next()) {
                                    due.add(rs.getString(1));
                                }
                            }
                            for (String table : due) {
                                s.execute("VACUUM (ANALYZE) \"" + table.replace("\"", "\"\"") + "\"");
                            }
                            vacuumed += due.size();
                        } catch (SQLException e) {
                            if (open) {
                                System.err.println(
                                        "[bench] VACUUM (ANALYZE) on " + pgName + " failed: " + e.getMessage());
                            }
                        }
                    }
                },
                "bench-vacuum");
        vacuum.setDaemon(true);
        vacuum.start();
    }

    /**
     * The URL options of the orchestrator's H2 database (workflow application.yaml: a commit is on disk when it returns);
     * override with -Dpimflow.bench.h2-options=... if the orchestrator's change.
     */
    static final String H2_OPTIONS =
            System.getProperty("pimflow.bench.h2-options", ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");

    /** H2 file {@code <dir>/pimflow}, as the orchestrator's application.yaml builds it from pim.embedded.data-dir. */
    static Database h2(Path dir) {
        return new Database("h2", "jdbc:h2:file:" + dir.resolve("pimflow") + H2_OPTIONS, "sa", "", null, false);
    }

    static Database postgres(String label, boolean keep) {
        String name = "pimflow_bench_" + (System.currentTimeMillis() / 1000) + "_" + label;
        try (Connection c = DriverManager.getConnection(PG_HOST_URL + "postgres", PG_USER, "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL is not answering at " + PG_HOST_URL + " as " + PG_USER + ": " + e.getMessage(), e);
        }
        Database database = new Database("postgres", PG_HOST_URL + name, PG_USER, "", name, keep);
        database.startMaintenance();
        return database;
    }

    static Database create(String kind, Path dir, String label, boolean keep) {
        return switch (kind) {
            case "h2" -> h2(dir);
            case "postgres", "postgresql", "pg" -> postgres(label, keep);
            default -> throw new IllegalArgumentException("--db must be h2 or postgres, not " + kind);
        };
    }

    boolean isPostgres() {
        return pgName != null;
    }

    /** The environment that points the orchestrator at this database. */
    Map<String, String> orchestratorEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        if (isPostgres()) {
            env.put("SPRING_DATASOURCE_URL", url);
            env.put("SPRING_DATASOURCE_USERNAME", user);
            env.put("SPRING_DATASOURCE_PASSWORD", password);
        }
        return env;
    }

    /** PostgreSQL's own counters for this database (commits, rows written), to difference over a window. */
    Map<String, Long> pgStats() {
        Map<String, Long> m = new LinkedHashMap<>();
        if (!isPostgres()) {
            return m;
        }
        try (Connection c = DriverManager.getConnection(PG_HOST_URL + "postgres", PG_USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_fetched, "
                                + "blks_read, blks_hit FROM pg_stat_database WHERE datname = '" + pgName + "'")) {
            if (rs.next()) {
                for (String col : new String[] {
                    "xact_commit",
                    "xact_rollback",
                    "tup_inserted",
                    "tup_updated",
                    "tup_deleted",
                    "tup_fetched",
                    "blks_read",
                    "blks_hit"
                }) {
                    m.put(col, rs.getLong(col));
                }
            }
        } catch (SQLException e) {
            m.put("error", -1L);
        }
        // rows written (inserted + updated + deleted) per table: which tables a lifecycle writes to, and how often
        try (Connection c = DriverManager.getConnection(PG_HOST_URL + pgName, PG_USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS w FROM pg_stat_user_tables")) {
            while (rs.next()) {
                m.put(ROWS_WRITTEN + rs.getString("relname"), rs.getLong("w"));
            }
        } catch (SQLException e) {
            m.put("error", -1L);
        }
        return m;
    }

    private static final String ROWS_WRITTEN = "rowsWritten.";

    static Map<String, Object> perLifecycle(Map<String, Long> before, Map<String, Long> after, long lifecycles) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var e : after.entrySet()) {
            Long b = before.getOrDefault(e.getKey(), e.getKey().startsWith(ROWS_WRITTEN) ? 0L : null);
            if (b != null && lifecycles > 0) {
                long d = e.getValue() - b;
                if (d == 0 && e.getKey().startsWith(ROWS_WRITTEN)) {
                    continue;
                }
                m.put(e.getKey(), d);
                m.put(e.getKey() + "PerLifecycle", Env.round((double) d / lifecycles));
            }
        }
        return m;
    }

    /** A single-value query against this database (PostgreSQL only: the H2 file is locked by its owner). */
    long count(String sql) {
        if (!isPostgres()) {
            return -1;
        }
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            return -1;
        }
    }

    /** A two-column query (key, count) against this database, e.g. a GROUP BY (PostgreSQL only; empty otherwise). */
    Map<String, Long> counts(String sql) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (!isPostgres()) {
            return m;
        }
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                m.put(String.valueOf(rs.getString(1)), rs.getLong(2));
            }
        } catch (SQLException e) {
            m.put("error: " + e.getMessage(), -1L);
        }
        return m;
    }

    @Override
    public void close() {
        open = false;
        if (vacuum != null) {
            vacuum.interrupt();
            try {
                vacuum.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (isPostgres() && !keep) {
            try (Connection c = DriverManager.getConnection(PG_HOST_URL + "postgres", PG_USER, "");
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + pgName + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("[bench] could not drop " + pgName + ": " + e.getMessage());
            }
        }
    }
}
