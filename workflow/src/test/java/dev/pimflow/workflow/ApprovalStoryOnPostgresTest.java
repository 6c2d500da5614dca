package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link ApprovalStoryEndToEndTest} with the orchestrator on PostgreSQL (the PostgreSQL suite's one context). */
@ActiveProfiles({"test", "postgres"})
class ApprovalStoryOnPostgresTest extends ApprovalStoryEndToEndTest {
    static {
        PostgresTestDatabase.create();
    }
}
