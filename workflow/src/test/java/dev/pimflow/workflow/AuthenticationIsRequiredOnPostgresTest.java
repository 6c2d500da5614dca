package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link AuthenticationIsRequiredTest} with the orchestrator on PostgreSQL. */
@ActiveProfiles({"test", "postgres"})
class AuthenticationIsRequiredOnPostgresTest extends AuthenticationIsRequiredTest {
    static {
        PostgresTestDatabase.create();
    }
}
