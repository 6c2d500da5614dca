package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link RevocationRetriesThroughAPimOutageTest} with the orchestrator on PostgreSQL. */
@ActiveProfiles({"test", "postgres"})
class RevocationRetriesThroughAPimOutageOnPostgresTest extends RevocationRetriesThroughAPimOutageTest {
    static {
        PostgresTestDatabase.create();
    }
}
