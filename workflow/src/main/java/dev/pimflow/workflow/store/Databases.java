package dev.pimflow.workflow.store;

import java.sql.Connection;
import javax.sql.DataSource;

/** What kind of database the orchestrator runs on (H2 for the embedded default, PostgreSQL in production). */
public final class Databases {
    private Databases() {}

    /** True for PostgreSQL; false for anything else, or when the database cannot be asked. */
    public static boolean isPostgres(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
        } catch (Exception e) {
            return false;
        }
    }
}
