package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link NoActivationWithoutAValidMfaApprovalTest} with the orchestrator on PostgreSQL. */
@ActiveProfiles({"test", "postgres"})
class NoActivationWithoutAValidMfaApprovalOnPostgresTest extends NoActivationWithoutAValidMfaApprovalTest {
    static {
        PostgresTestDatabase.create();
    }
}
