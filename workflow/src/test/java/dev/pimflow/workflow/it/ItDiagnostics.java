package dev.pimflow.workflow.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/** When a separate-JVM test fails, prints what the still-running nodes hold before they are killed. */
public class ItDiagnostics implements TestExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        ItEnvironment env = ItEnvironment.current();
        if (env != null) {
            System.out.printf("[it] %s failed: %s%n", context.getDisplayName(), throwable);
            try {
                env.printDiagnostics();
            } catch (RuntimeException e) {
                System.out.println("[it] diagnostics failed: " + e);
            }
        }
        throw throwable;
    }
}
