package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link AuditChainResistsInsidersTest} with the orchestrator on PostgreSQL. */
@ActiveProfiles({"test", "postgres"})
class AuditChainResistsInsidersOnPostgresTest extends AuditChainResistsInsidersTest {
    static {
        PostgresTestDatabase.create();
    }
}
