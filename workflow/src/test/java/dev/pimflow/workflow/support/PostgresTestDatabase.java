package dev.pimflow.workflow.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fresh PostgreSQL database for this test JVM on the machine's PostgreSQL service (127.0.0.1:5432, trust auth), so
 * the end-to-end suite runs on PostgreSQL as well as on H2. Databases of this kind older than two hours are dropped.
 */
public final class PostgresTestDatabase {
    public static final String HOST_URL =
            System.getProperty("pimflow.postgres.url", "jdbc:postgresql://127.0.0.1:5432/");
    public static final String USER = System.getProperty("pimflow.postgres.user", "postgres");
    private static final String PREFIX = "pimflow_test_";
    private static String url;

    private PostgresTestDatabase() {}

    public static synchronized String url() {
        if (url == null) {
            String name = PREFIX + (System.currentTimeMillis() / 1000) + "_"
                    + UUID.randomUUID().toString().substring(0, 8);
            try (Connection c = DriverManager.getConnection(HOST_URL + "postgres", USER, "");
                    Statement s = c.createStatement()) {
                dropStale(c);
                s.execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "PostgreSQL is not answering at " + HOST_URL + " (user " + USER + "): the PostgreSQL "
                                + "end-to-end tests need it. Start it (.ci/run does: pg_ctlcluster ... main start). Cause: "
                                + e.getMessage(),
                        e);
            }
            url = HOST_URL + name;
        }
        return url;
    }

    /**
     * Creates the database (once per JVM) and publishes its URL as the system property that application-postgres.yaml
     * reads, so every PostgreSQL test class shares one Spring context and one database.
     */
    public static void create() {
        System.setProperty("pimflow.test.postgres-url", url());
    }

    private static void dropStale(Connection c) throws SQLException {
        long cutoff = System.currentTimeMillis() / 1000 - 7200;
        List<String> stale = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + PREFIX + "%'")) {
            while (rs.next()) {
                String[] parts = rs.getString(1).substring(PREFIX.length()).split("_");
                try {
                    if (Long.parseLong(parts[0]) < cutoff) {
                        stale.add(rs.getString(1));
                    }
                } catch (NumberFormatException ignored) {
                    // not one of ours
                }
            }
        }
        for (String db : stale) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }
}
