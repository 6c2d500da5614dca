package dev.pimflow.workflow;

import static dev.pimflow.contracts.WireValue.wires;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.contracts.Decision;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * For the people who run it: {@code /actuator/prometheus} (HTTP Basic) shows activations moving through their life,
 * dead letters and Graph errors; {@code /actuator/health} reports Kafka, the database and Graph to an authenticated
 * caller and only the overall status to anyone else.
 */
@AutoConfigureObservability(tracing = false)
// its own engine name (no hyphens: Camunda ignores those): engine REST and Cockpit look engines up by name in a
// JVM-wide registry
@TestPropertySource(properties = {"pim.metrics.database-refresh=PT0.2S", "camunda.bpm.process-engine-name=metricstest"})
class MetricsAndHealthTest extends EndToEndTestBase {
    private static final String ADMIN =
            "Basic " + Base64.getEncoder().encodeToString("admin:test-admin-password".getBytes(StandardCharsets.UTF_8));
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @AfterEach
    void resetSimulatorFaults() throws Exception {
        assertThat(simulatorControl("DELETE", "/faults", null).statusCode()).isEqualTo(204);
    }

    @Test
    void prometheusShowsActivationsMovingFromRequestToRevocation() throws Exception {
        String before = scrape();

        // closed by its ticket while active: requested -> pending-mfa -> active -> revoked
        String closed = "CONTOSO:Metrics-closed";
        String closedId = requestAndApprove(closed, "PT5H");
        awaitStatus(closedId, Status.ACTIVE);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(value(scrape(), "pimflow_activations_active"))
                        .isGreaterThanOrEqualTo(1));
        tickets.closeTicket(closed);
        awaitRevoked(closedId);
        awaitStatus(closedId, Status.REVOKED);

        // runs out: the revocation lag after the end time is measured
        String expiring = "CONTOSO:Metrics-expired";
        String expiringId = requestAndApprove(expiring, "PT3S");
        awaitStatus(expiringId, Status.ACTIVE);
        assertThat(awaitRevoked(expiringId).path("data").path("reason").asText())
                .isEqualTo(Reason.EXPIRED.wire());
        awaitStatus(expiringId, Status.REVOKED);

        // bad input on tickets.events goes to the DLT
        tickets.sendRaw("tickets.events", CONTOSO_ICM + ":CONTOSO:Metrics-bad", "not json at all");
        topics.awaitRecord(
                "tickets.events.dlt",
                WAIT,
                r -> new String(r.value(), StandardCharsets.UTF_8).contains("not json at all"));

        await().atMost(WAIT).untilAsserted(() -> {
            String after = scrape();
            for (String status : wires(Status.REQUESTED, Status.PENDING_MFA, Status.ACTIVE, Status.REVOKED)) {
                assertThat(delta(before, after, "pimflow_activations_total", Map.of("status", status)))
                        .as("status %s", status)
                        .isEqualTo(2);
            }
            assertThat(delta(
                            before,
                            after,
                            "pimflow_mfa_wait_seconds_count",
                            Map.of("outcome", Decision.APPROVED.wire())))
                    .isEqualTo(2);
            assertThat(value(after, "pimflow_mfa_wait_seconds_sum", Map.of("outcome", Decision.APPROVED.wire())))
                    .isPositive();
            assertThat(delta(before, after, "pimflow_request_to_active_seconds_count", Map.of()))
                    .isEqualTo(2);
            assertThat(value(after, "pimflow_request_to_active_seconds_sum", Map.of()))
                    .isPositive();
            // only the expiry has a lag; it is revoked by the end-of-duration timer, within the job executor's polling
            assertThat(delta(
                            before,
                            after,
                            "pimflow_revocation_lag_seconds_count",
                            Map.of("reason", Reason.EXPIRED.wire())))
                    .isEqualTo(1);
            assertThat(delta(
                            before,
                            after,
                            "pimflow_revocation_lag_seconds_bucket",
                            Map.of("reason", Reason.EXPIRED.wire(), "le", "15.0")))
                    .isEqualTo(1);
            assertThat(delta(
                            before,
                            after,
                            "pimflow_dlt_records_total",
                            Map.of("topic", "tickets.events.dlt", "reason", "invalid-event")))
                    .isEqualTo(1);
            assertThat(delta(
                            before,
                            after,
                            "pimflow_graph_calls_seconds_count",
                            Map.of("operation", "assign", "outcome", "success")))
                    .isGreaterThanOrEqualTo(2);
            assertThat(delta(
                            before,
                            after,
                            "pimflow_graph_calls_seconds_count",
                            Map.of("operation", "remove", "outcome", "success")))
                    .isGreaterThanOrEqualTo(2);
            assertThat(value(after, "pimflow_activations_active")).isZero();
            assertThat(value(after, "pimflow_outbox_backlog")).isZero();
            assertThat(value(after, "pimflow_outbox_oldest_age_seconds")).isZero();
        });
        assertThat(scrape()).contains("application=\"pimflow\"");
    }

    @Test
    void graphErrorsAreCountedByCodeAndKind() throws Exception {
        String before = scrape();
        // the first adminAssign fails with a 500; the job is retried and the activation still becomes active
        assertThat(simulatorControl("POST", "/faults", """
                {"status":500,"count":1,"code":"PimflowTestFault","pathContains":"roleAssignmentScheduleRequests","method":"POST"}""").statusCode()).isEqualTo(201);
        String ticket = "CONTOSO:Metrics-graph-error";
        String activationId = requestAndApprove(ticket, "PT5H");
        awaitStatus(activationId, Status.ACTIVE);

        String after = scrape();
        Map<String, String> errorLabels = Map.of("operation", "assign", "code", "PimflowTestFault");
        assertThat(delta(before, after, "pimflow_graph_errors_total", errorLabels))
                .isEqualTo(1);
        assertThat(labelsOf(after, "pimflow_graph_errors_total", errorLabels))
                .containsKey("kind")
                .extractingByKey("kind")
                .isIn("retry", "incident");
        assertThat(delta(
                        before,
                        after,
                        "pimflow_graph_calls_seconds_count",
                        Map.of("operation", "assign", "outcome", "error")))
                .isEqualTo(1);

        tickets.closeTicket(ticket);
        awaitStatus(activationId, Status.REVOKED);
    }

    @Test
    void timeSpentWaitingForGraphsRetryAfterIsMeasured() throws Exception {
        String before = scrape();
        // the first adminAssign is throttled for 1 s: the node waits it out, then the activation goes through
        assertThat(simulatorControl("POST", "/faults", """
                {"status":429,"retryAfterSeconds":1,"count":1,"pathContains":"roleAssignmentScheduleRequests","method":"POST"}""").statusCode()).isEqualTo(201);
        String ticket = "CONTOSO:Metrics-graph-throttled";
        String activationId = requestAndApprove(ticket, "PT5H");
        awaitStatus(activationId, Status.ACTIVE);

        String after = scrape();
        assertThat(delta(before, after, "pimflow_graph_throttle_wait_seconds_count", Map.of()))
                .isGreaterThanOrEqualTo(1);
        assertThat(delta(before, after, "pimflow_graph_throttle_wait_seconds_sum", Map.of()))
                .isGreaterThanOrEqualTo(0.9);
        assertThat(labelsOf(after, "pimflow_graph_throttled_until", Map.of())).containsEntry("application", "pimflow");
        assertThat(value(after, "pimflow_graph_throttled_until"))
                .as("the wait is over")
                .isZero();
        // the assignment was sent twice (429, then after the wait), and counted as Graph's quota counts it
        assertThat(delta(before, after, "pimflow_graph_requests_total", Map.of("kind", "write")))
                .isEqualTo(2);
        assertThat(delta(before, after, "pimflow_graph_requests_throttled_total", Map.of("kind", "write")))
                .isEqualTo(1);
        assertThat(delta(before, after, "pimflow_graph_requests_total", Map.of("kind", "read")))
                .as("validation reads eligibility")
                .isPositive();
        assertThat(value(after, "pimflow_graph_requests_per_lifecycle", Map.of("kind", "write")))
                .isPositive();

        tickets.closeTicket(ticket);
        awaitStatus(activationId, Status.REVOKED);
    }

    @Test
    void healthShowsKafkaDatabaseAndGraphToTheAdminAndOnlyTheStatusToAnyoneElse() throws Exception {
        HttpResponse<String> anonymous = get("/actuator/health", null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(json.readTree(anonymous.body())).isEqualTo(json.readTree("{\"status\":\"UP\"}"));

        HttpResponse<String> admin = get("/actuator/health", ADMIN);
        assertThat(admin.statusCode()).isEqualTo(200);
        JsonNode components = json.readTree(admin.body()).path("components");
        for (String component : new String[] {"kafka", "db", "graph"}) {
            assertThat(components.path(component).path("status").asText())
                    .as("%s in %s", component, admin.body())
                    .isEqualTo("UP");
        }
        assertThat(components.path("kafka").path("details").path("nodes").asInt())
                .isGreaterThanOrEqualTo(1);
        assertThat(components.path("graph").path("details").path("mode").asText())
                .isEqualTo("simulator");
        assertThat(components.path("graph").path("details").path("baseUrl").asText())
                .isEqualTo(simulator.baseUrl());

        // the metrics need credentials
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get(
                                "/actuator/prometheus",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString(
                                                        "nobody:test-admin-password".getBytes(StandardCharsets.UTF_8)))
                        .statusCode())
                .isEqualTo(401);
    }

    // ------------------------------------------------------------------ helpers

    private String scrape() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                        .header("Authorization", ADMIN)
                        .header("Accept", "text/plain")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET /actuator/prometheus: %s", r.body()).isEqualTo(200);
        return r.body();
    }

    private static double delta(String before, String after, String name, Map<String, String> labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    private static double value(String scrape, String name) {
        return value(scrape, name, Map.of());
    }

    /** The sum of the samples of {@code name} whose labels include {@code labels}; 0 when there is none. */
    private static double value(String scrape, String name, Map<String, String> labels) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            Map<String, String> found = sample(line, name);
            if (found != null && found.entrySet().containsAll(labels.entrySet())) {
                Matcher m = SAMPLE.matcher(line);
                m.find();
                sum += Double.parseDouble(m.group(3));
            }
        }
        return sum;
    }

    private static Map<String, String> labelsOf(String scrape, String name, Map<String, String> labels) {
        for (String line : scrape.split("\n")) {
            Map<String, String> found = sample(line, name);
            if (found != null && found.entrySet().containsAll(labels.entrySet())) {
                return found;
            }
        }
        return Map.of();
    }

    private static Map<String, String> sample(String line, String name) {
        if (line.startsWith("#")) {
            return null;
        }
        Matcher m = SAMPLE.matcher(line);
        if (!m.find() || !m.group(1).equals(name)) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(2) != null) {
            Matcher l = LABEL.matcher(m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
        }
        return labels;
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
