package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link TicketEventsAreProcessedEffectivelyOnceTest} with the orchestrator on PostgreSQL. */
@ActiveProfiles({"test", "postgres"})
class TicketEventsAreProcessedEffectivelyOnceOnPostgresTest extends TicketEventsAreProcessedEffectivelyOnceTest {
    static {
        PostgresTestDatabase.create();
    }
}
