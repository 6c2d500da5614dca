package dev.pimflow.workflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.workflow.support.VendorWebhooks;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 over the packaged orchestrator: the jar runs as a separate JVM against a real broker and the Graph simulator
 * (in this JVM), configured as an operator would (environment variables; the case-sensitive PagerDuty and Jira ids in
 * {@code SPRING_APPLICATION_JSON}), and the story of {@link VendorWebhooks} is told to it over HTTP, one vendor after
 * the other, each on its own ticket: the signed webhook opens the ticket, the vendor's way of asking leads to an MFA
 * challenge, approved the role is active in PIM, a reassignment revokes it ({@code ticket-reassigned}), asked again it
 * is active again, the resolution revokes it ({@code ticket-closed}). The same story runs in-JVM in
 * {@code TicketSystemsDriveTheWholeStoryTest}; one node serves the three stories, to start one JVM only.
 */
@ExtendWith(ItDiagnostics.class)
class TicketSystemsWebhooksOnThePackagedOrchestratorIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ItEnvironment env;

    @BeforeEach
    void startEnvironment(TestInfo test) {
        env = ItEnvironment.start(test);
    }

    @AfterEach
    void stopEnvironment() {
        env.close();
    }

    @Test
    void pagerDutyJiraAndServiceNowWebhooksGrantAndRevoke() throws JsonProcessingException {
        JarNode node = env.node("node", env.database(ItDatabase.h2(env.dir)));
        // as an operator would: environment variables, except for the settings whose map keys are case-sensitive ids
        // (environment variable names reach Spring lowercased), which go in SPRING_APPLICATION_JSON
        ObjectNode json = JSON.createObjectNode();
        VendorWebhooks.SETTINGS.forEach((name, value) -> {
            if (name.contains("[")) {
                json.put(name, value);
            } else {
                node.set(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), value);
            }
        });
        node.set("SPRING_APPLICATION_JSON", JSON.writeValueAsString(json)).startAndAwaitReady();
        VendorWebhooks vendors = new VendorWebhooks(
                new VendorWebhooks.Orchestrator() {
                    @Override
                    public String baseUrl() {
                        return node.baseUrl();
                    }

                    @Override
                    public HttpResponse<String> get(String path) {
                        return node.send("GET", path, null);
                    }

                    @Override
                    public List<String> activeRoles(String principalId) {
                        return env.activeRoles(principalId);
                    }
                },
                env.topics,
                env.tickets,
                env.gateway,
                WAIT);

        story("PagerDuty", () -> vendors.pagerDutyIncident("1401"));
        story("Jira", () -> vendors.jiraIssue("140200", "PIM-1402"));
        story("ServiceNow", () -> vendors.serviceNowIncident("7c1a9b2e4f3d4c5b8a6e0d1f2a3b1403", "INC0014003"));

        assertThat(node.verifyAudit().path("intact").asBoolean())
                .as("audit chain intact")
                .isTrue();
    }

    private static void story(String vendor, Runnable story) {
        Instant t0 = Instant.now();
        story.run();
        System.out.printf(
                "[it] %s story on the packaged orchestrator: %d ms%n",
                vendor, Duration.between(t0, Instant.now()).toMillis());
    }
}
