package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link AuditTrailDetectsTamperingTest} with the orchestrator on PostgreSQL. */
@ActiveProfiles({"test", "postgres"})
class AuditTrailDetectsTamperingOnPostgresTest extends AuditTrailDetectsTamperingTest {
    static {
        PostgresTestDatabase.create();
    }
}
