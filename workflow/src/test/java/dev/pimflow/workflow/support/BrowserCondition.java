package dev.pimflow.workflow.support;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a browser test class only where Debian's {@code chromium} and {@code chromium-driver} are installed
 * ({@code scripts/install-browser.sh}); elsewhere the class is skipped, with the reason, before the Spring context starts.
 * With {@code -Dpimflow.browser.required=true} (CI) it is never skipped: the test then fails on the missing browser.
 */
public class BrowserCondition implements ExecutionCondition {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final String REQUIRED_PROPERTY = "pimflow.browser.required";

    /** Why the browser cannot run here, or {@code null} when it can. */
    public static String missing() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return null;
        }
        return CHROMIUM + " and " + CHROMEDRIVER
                + " are needed (Debian's chromium and chromium-driver): run scripts/install-browser.sh";
    }

    public static boolean required() {
        return Boolean.getBoolean(REQUIRED_PROPERTY);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String missing = missing();
        if (missing == null) {
            return ConditionEvaluationResult.enabled("chromium and chromedriver found");
        }
        if (required()) {
            return ConditionEvaluationResult.enabled(REQUIRED_PROPERTY + "=true: not skipped although " + missing);
        }
        String reason =
                "browser test skipped: " + missing + " (or set -D" + REQUIRED_PROPERTY + "=true to fail instead)";
        context.getTestClass().ifPresent(c -> System.out.println("[browser] " + c.getSimpleName() + ": " + reason));
        return ConditionEvaluationResult.disabled(reason);
    }
}
