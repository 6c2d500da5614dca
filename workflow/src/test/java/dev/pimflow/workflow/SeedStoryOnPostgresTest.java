package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link SeedStoryEndToEndTest} with the orchestrator on PostgreSQL. */
@ActiveProfiles({"test", "postgres"})
class SeedStoryOnPostgresTest extends SeedStoryEndToEndTest {
    static {
        PostgresTestDatabase.create();
    }
}
