package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link ConfirmingWithTheIdentityProviderTest} with the orchestrator on PostgreSQL. */
@ActiveProfiles({"test", "postgres"})
class ConfirmingWithTheIdentityProviderOnPostgresTest extends ConfirmingWithTheIdentityProviderTest {
    static {
        PostgresTestDatabase.create();
    }
}
