package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link BadInputNeverStallsAConsumerTest} with the orchestrator on PostgreSQL. */
@ActiveProfiles({"test", "postgres"})
class BadInputNeverStallsAConsumerOnPostgresTest extends BadInputNeverStallsAConsumerTest {
    static {
        PostgresTestDatabase.create();
    }
}
