package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link EventIdReuseIsRefusedTest} with the orchestrator on PostgreSQL (and its V7 migration there). */
@ActiveProfiles({"test", "postgres"})
class EventIdReuseIsRefusedOnPostgresTest extends EventIdReuseIsRefusedTest {
    static {
        PostgresTestDatabase.create();
    }
}
