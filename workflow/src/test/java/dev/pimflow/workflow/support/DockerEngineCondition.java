package dev.pimflow.workflow.support;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs a class only where Testcontainers finds a Docker engine; elsewhere the class is skipped, with the reason, before
 * anything (containers, Spring context) starts.
 */
public class DockerEngineCondition implements ExecutionCondition {
    static final String SKIPPED =
            "no Docker engine: Testcontainers mode skipped; the same tests ran against the in-JVM KRaft broker "
                    + "(@EmbeddedKafka) on H2 and on the machine's PostgreSQL";

    private static volatile Boolean available;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (available()) {
            return ConditionEvaluationResult.enabled("Docker engine found: Testcontainers mode");
        }
        context.getTestClass()
                .ifPresent(c -> System.out.println("[testcontainers] " + c.getSimpleName() + ": " + SKIPPED));
        return ConditionEvaluationResult.disabled(SKIPPED);
    }

    private static boolean available() {
        if (available == null) {
            boolean found;
            try {
                found = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                found = false;
            }
            available = found;
        }
        return available;
    }
}
