package dev.pimflow.workflow.logscan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §6.8: no secret, MFA assertion, bearer token, ID token or authorization code is ever logged. Runs after every other test of the build
 * (its own failsafe execution) and scans all they logged: the in-JVM tests' log file and the separate-JVM logs.
 */
class NoSecretInLogsIT {
    /** Secrets the tests configure; none may appear in any log line. */
    private static final List<String> SECRETS = List.of(
            "test-admin-password",
            "pimflow-development-mfa-secret-not-for-production",
            "it-admin-password",
            "it-mfa-shared-secret",
            "test-audit-hmac-key-0123456789abcdef",
            "it-audit-hmac-key-shared-by-the-nodes",
            "e2e-pagerduty-secret",
            // the embedded default's development PagerDuty configuration (pimctl demo --via pagerduty): flagged by name
            // only
            "pimflow-development-pagerduty-secret-not-for-production",
            dev.pimflow.workflow.support.OidcProvider.CLIENT_SECRET);
    /** A JWS/JWT (header.payload.signature, base64url JSON objects): MFA assertions, Graph tokens. */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*");

    private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/-]{8,}");
    /** The confirmation page's sign-in: an authorization code, state or PKCE verifier in a URL or form. */
    private static final Pattern OAUTH_PARAMETER =
            Pattern.compile("[?&](code|state|code_verifier|id_token|access_token)=[A-Za-z0-9._~%+/-]{8,}");

    private static final Pattern BASIC = Pattern.compile("(?i)authorization:\\s*basic\\s+[A-Za-z0-9+/=]{8,}");

    @Test
    void noLogLineCarriesASecretAnAssertionOrAToken() throws IOException {
        List<Path> logs = new ArrayList<>();
        for (Path dir : List.of(Path.of("target", "test-logs"), Path.of("target", "it-logs"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(Files::isRegularFile).forEach(logs::add);
                }
            }
        }
        assertThat(logs)
                .as("the tests' logs (target/test-logs) must exist: run the whole build")
                .isNotEmpty();
        long lines = 0;
        List<String> findings = new ArrayList<>();
        for (Path log : logs) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                lines++;
                for (String secret : SECRETS) {
                    if (line.contains(secret)) {
                        findings.add(log.getFileName() + ": secret '" + secret.substring(0, 4) + "…': " + cut(line));
                    }
                }
                for (Pattern p : List.of(JWT, BEARER, BASIC, OAUTH_PARAMETER)) {
                    Matcher m = p.matcher(line);
                    if (m.find()) {
                        findings.add(log.getFileName() + ": " + p.pattern().substring(0, 12) + "…: " + cut(line));
                    }
                }
            }
        }
        System.out.println("Scanned " + logs.size() + " log file(s), " + lines
                + " lines, for secrets, assertions and tokens: " + findings.size() + " finding(s)");
        assertThat(lines).as("lines scanned").isGreaterThan(1000);
        assertThat(findings).isEmpty();
    }

    private static String cut(String line) {
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
