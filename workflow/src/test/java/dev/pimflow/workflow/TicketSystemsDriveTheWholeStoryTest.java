package dev.pimflow.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.directory.GraphPeople;
import dev.pimflow.workflow.directory.People;
import dev.pimflow.workflow.support.EndToEndTestBase;
import dev.pimflow.workflow.support.HttpAsUser;
import dev.pimflow.workflow.support.VendorWebhooks;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 14 end to end, over HTTP, the orchestrator and a real broker, with the real directory ({@link GraphPeople}
 * against the Graph simulator): the story of {@link VendorWebhooks} for PagerDuty, Jira and ServiceNow, each on its own
 * ticket. The same story runs against the packaged orchestrator in {@code TicketSystemsWebhooksOnThePackagedOrchestratorIT}.
 */
@TestPropertySource(properties = "camunda.bpm.process-engine-name=vendorstest")
class TicketSystemsDriveTheWholeStoryTest extends EndToEndTestBase {
    @LocalServerPort
    int port;

    @Autowired
    People people;

    @Autowired
    JdbcTemplate jdbc;

    private VendorWebhooks vendors;

    /** The story's webhook secrets, people, PagerDuty rule and Jira fields, and tickets must be open and assigned. */
    @DynamicPropertySource
    static void vendorSettings(DynamicPropertyRegistry registry) {
        VendorWebhooks.SETTINGS.forEach((name, value) -> registry.add(name, () -> value));
    }

    @BeforeEach
    void vendors() {
        HttpAsUser admin = new HttpAsUser(port, "admin", "test-admin-password");
        vendors = new VendorWebhooks(
                new VendorWebhooks.Orchestrator() {
                    @Override
                    public String baseUrl() {
                        return "http://localhost:" + port;
                    }

                    @Override
                    public HttpResponse<String> get(String path) {
                        return admin.get(path);
                    }

                    @Override
                    public List<String> activeRoles(String principalId) {
                        return TicketSystemsDriveTheWholeStoryTest.this.activeRoles(principalId);
                    }
                },
                topics,
                tickets,
                gateway,
                WAIT);
    }

    /**
     * A story that failed half-way may leave Aline's role active, and PIM keeps one assignment per principal, role and
     * scope: its tickets are closed here, so that the next vendor's story fails or passes on its own.
     */
    @AfterEach
    void endWhatAStoryLeftLive() {
        String live = "SELECT ticket_system, ticket_number FROM activation WHERE status IN ("
                + Stream.of(Status.values())
                        .filter(Status::live)
                        .map(status -> "'" + status.wire() + "'")
                        .collect(Collectors.joining(", "))
                + ")";
        for (var row : jdbc.queryForList(live)) {
            tickets.closeTicket((String) row.get("ticket_system"), (String) row.get("ticket_number"));
        }
        Awaitility.await().atMost(WAIT).until(() -> jdbc.queryForList(live).isEmpty());
    }

    @Test
    void pagerDutyIncident() {
        assertThat(people).isInstanceOf(GraphPeople.class);
        vendors.pagerDutyIncident("1401");
    }

    @Test
    void jiraIssue() {
        vendors.jiraIssue("140200", "PIM-1402");
    }

    @Test
    void serviceNowIncident() {
        vendors.serviceNowIncident("7c1a9b2e4f3d4c5b8a6e0d1f2a3b1403", "INC0014003");
    }
}
