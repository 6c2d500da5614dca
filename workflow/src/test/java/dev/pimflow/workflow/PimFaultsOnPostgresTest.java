package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link PimFaultsEndToEndTest} with the orchestrator on PostgreSQL. */
@ActiveProfiles({"test", "postgres"})
class PimFaultsOnPostgresTest extends PimFaultsEndToEndTest {
    static {
        PostgresTestDatabase.create();
    }
}
