package dev.pimflow.workflow;

import dev.pimflow.workflow.support.PostgresTestDatabase;
import org.springframework.test.context.ActiveProfiles;

/** {@link BadInputGoesToDeadLetterTopicTest} with the orchestrator on PostgreSQL. */
@ActiveProfiles({"test", "postgres"})
class BadInputGoesToDeadLetterTopicOnPostgresTest extends BadInputGoesToDeadLetterTopicTest {
    static {
        PostgresTestDatabase.create();
    }
}
