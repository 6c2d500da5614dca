package dev.pimflow.workflow.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The orchestrator's database for a separate-JVM test: the embedded default's H2 file (the product's own
 * {@code spring.datasource.url}, pointed at the test's directory through {@code PIM_EMBEDDED_DATA_DIR}), or a fresh
 * PostgreSQL database {@code pimflow_it_<random>} on 127.0.0.1:5432 (trust auth, user postgres), created here and
 * dropped by {@link #close()}.
 *
 * <p>To try H2 connection settings without changing the product (for example a candidate fix), set the system property
 * {@code pimflow.it.h2-url-options} (e.g. {@code -Dpimflow.it.h2-url-options=";WRITE_DELAY=0"}): the nodes then get
 * {@code SPRING_DATASOURCE_URL=jdbc:h2:file:<dir>/pimflow;DB_CLOSE_ON_EXIT=FALSE<options>}.
 */
public abstract class ItDatabase implements AutoCloseable {
    public static final String POSTGRES_HOST = "127.0.0.1";
    public static final int POSTGRES_PORT = 5432;
    static final String POSTGRES_ADMIN_URL =
            "jdbc:postgresql://" + POSTGRES_HOST + ":" + POSTGRES_PORT + "/postgres?connectTimeout=5";

    public enum Kind {
        H2,
        POSTGRES
    }

    public static ItDatabase create(Kind kind, Path dir) {
        return kind == Kind.H2 ? h2(dir) : postgres();
    }

    public static ItDatabase h2(Path dir) {
        return new H2(dir.resolve("h2").toAbsolutePath());
    }

    /** Creates a fresh database; fails the test, saying so, when PostgreSQL does not answer. */
    public static ItDatabase postgres() {
        String name =
                "pimflow_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(POSTGRES_ADMIN_URL, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            fail(
                    "PostgreSQL does not answer on " + POSTGRES_HOST + ":" + POSTGRES_PORT
                            + " (user postgres, trust auth): " + e.getMessage()
                            + ". This test needs it; CI starts it (.ci/run), locally start it with pg_ctlcluster or a service manager.",
                    e);
        }
        return new Postgres(name);
    }

    public abstract Kind kind();

    public abstract String url();

    public abstract String username();

    public abstract String password();

    /** What the orchestrator needs to use this database (environment variables, Spring's relaxed binding). */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SPRING_DATASOURCE_URL", url());
        env.put("SPRING_DATASOURCE_USERNAME", username());
        env.put("SPRING_DATASOURCE_PASSWORD", password());
        return env;
    }

    /** A connection from the test JVM. For H2 only while no orchestrator holds the file (that is, after a kill). */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), username(), password());
    }

    @Override
    public void close() {}

    static final class H2 extends ItDatabase {
        private final Path dir;

        H2(Path dir) {
            this.dir = dir;
        }

        @Override
        public Kind kind() {
            return Kind.H2;
        }

        @Override
        public String url() {
            return "jdbc:h2:file:" + dir.resolve("pimflow");
        }

        @Override
        public String username() {
            return "sa";
        }

        @Override
        public String password() {
            return "";
        }

        /** The product's default URL (application.yaml) under this directory, unless options are being tried. */
        @Override
        public Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            String options = System.getProperty("pimflow.it.h2-url-options", "");
            if (options.isBlank()) {
                env.put("PIM_EMBEDDED_DATA_DIR", dir.toString());
            } else {
                env.put("SPRING_DATASOURCE_URL", url() + ";DB_CLOSE_ON_EXIT=FALSE" + options);
                env.put("SPRING_DATASOURCE_USERNAME", username());
                env.put("SPRING_DATASOURCE_PASSWORD", password());
            }
            return env;
        }

        @Override
        public String toString() {
            return "H2 file " + dir;
        }
    }

    static final class Postgres extends ItDatabase {
        private final String name;

        Postgres(String name) {
            this.name = name;
        }

        @Override
        public Kind kind() {
            return Kind.POSTGRES;
        }

        @Override
        public String url() {
            return "jdbc:postgresql://" + POSTGRES_HOST + ":" + POSTGRES_PORT + "/" + name;
        }

        @Override
        public String username() {
            return "postgres";
        }

        @Override
        public String password() {
            return "";
        }

        /** Drops the database; the orchestrators must be gone (WITH (FORCE) ends any session a killed node left behind). */
        @Override
        public void close() {
            try (Connection c = DriverManager.getConnection(POSTGRES_ADMIN_URL, "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("could not drop test database " + name + ": " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "PostgreSQL database " + name;
        }
    }
}
