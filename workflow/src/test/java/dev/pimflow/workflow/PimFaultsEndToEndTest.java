package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * How PIM's answers map to the process (issue "PIM fidelity", DESIGN §6.6): a policy refusal ends the activation
 * denied with Graph's code; throttling with Retry-After is waited out without an incident; a permanent server error
 * becomes an incident that Cockpit (engine REST) shows, and an operator's retry of it is kept in Camunda's history.
 */
class PimFaultsEndToEndTest extends EndToEndTestBase {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.camunda.bpm.engine.RuntimeService runtime;

    @org.springframework.beans.factory.annotation.Autowired
    org.camunda.bpm.engine.ManagementService management;

    @AfterEach
    void resetSimulator() throws Exception {
        simulatorControl("DELETE", "/faults", null);
        simulatorControl("POST", "/reset", "{}");
    }

    @Test
    void pimPolicyRefusalEndsTheActivationDeniedWithGraphsCode() throws Exception {
        // the tenant's admin-assignment rule allows one hour; the request (within the end-user maximum of 8 h) asks for
        // 5
        String policyId = userAdministratorPolicyId();
        String adminToken = token("{\"oid\":\"" + TutorialTenant.ADMIN_ID + "\",\"amr\":[\"pwd\",\"mfa\"]}");
        HttpResponse<String> patched = send(
                "PATCH",
                simulator.baseUrl() + "/policies/roleManagementPolicies/" + policyId
                        + "/rules/Expiration_Admin_Assignment",
                adminToken,
                """
                        {"@odata.type":"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule","id":"Expiration_Admin_Assignment",
                         "isExpirationRequired":true,"maximumDuration":"PT1H",
                         "target":{"caller":"Admin","operations":["All"],"level":"Assignment","inheritableSettings":[],"enforcedSettings":[]}}""");
        assertThat(patched.statusCode()).isEqualTo(204);

        String ticket = "CONTOSO:Fault-policy";
        String activationId = requestAndApprove(ticket, "PT5H");

        JsonNode denied = awaitStatus(activationId, Status.DENIED).path("data");
        assertThat(denied.path("reason").asText())
                .contains("RoleAssignmentRequestPolicyValidationFailed")
                .contains("ExpirationRule");
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
    }

    @Test
    void throttlingWithRetryAfterIsWaitedOutWithoutAnIncident() throws Exception {
        simulatorControl("POST", "/faults", """
                {"status":429,"retryAfterSeconds":2,"count":3,"pathContains":"roleAssignmentScheduleRequests","method":"POST"}""");
        String ticket = "CONTOSO:Fault-429";
        Instant approved = Instant.now();
        String activationId = requestAndApprove(ticket, "PT5H");

        awaitStatus(activationId, Status.ACTIVE);
        assertThat(Duration.between(approved, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
        assertThat(incidents(processInstanceOf(activationId))).isEmpty();
        assertThat(activeRoles(ALINE)).contains(USER_ADMINISTRATOR);

        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
    }

    @Test
    void permanentServerErrorBecomesAnIncidentThatCockpitShows() throws Exception {
        failEveryAssignmentRequest();
        String ticket = "CONTOSO:Fault-500";
        String activationId = requestAndApprove(ticket, "PT5H");
        String processInstanceId = processInstanceOf(activationId);

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(runtime.createIncidentQuery()
                                .processInstanceId(processInstanceId)
                                .count())
                        .as(
                                "incidents; jobs: %s",
                                management.createJobQuery().processInstanceId(processInstanceId).list().stream()
                                        .map(j -> j.getId() + " retries=" + j.getRetries() + " due=" + j.getDuedate())
                                        .toList())
                        .isEqualTo(1));
        List<JsonNode> shown = incidents(processInstanceId);
        if (shown.isEmpty()) {
            for (String path : List.of(
                    "/engine-rest/engine",
                    "/engine-rest/incident",
                    "/engine-rest/process-instance?processInstanceIds=" + processInstanceId)) {
                System.out.println("DEBUG " + path + " -> "
                        + http.send(
                                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                                .header("Authorization", basic())
                                                .GET()
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body());
            }
        }
        assertThat(shown).as("incidents over engine REST (what Cockpit shows)").hasSize(1);
        JsonNode incident = shown.get(0);
        assertThat(incident.path("activityId").asText()).isEqualTo("Task_ActivateRole");
        assertThat(incident.path("incidentType").asText()).isEqualTo("failedJob");
        assertThat(incident.path("incidentMessage").asText())
                .contains("Activate role in PIM")
                .contains("HTTP 500")
                .contains("retry this job in Cockpit");

        // the ticket closing still ends it cleanly: the pending activation is cancelled, nothing stays assigned
        simulatorControl("DELETE", "/faults", null);
        tickets.closeTicket(ticket);
        awaitStatus(activationId, Status.CANCELLED);
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
    }

    /**
     * The default history level (lean) keeps the incident and the operator's retry of the failed job through the engine
     * REST API (what Cockpit's "retry" button calls), and the finished instance, but no activity history: each step is
     * in pimflow's audit trail instead.
     */
    @Test
    void anOperatorsRetryAfterAnIncidentIsKeptInCamundaHistory() throws Exception {
        failEveryAssignmentRequest();
        String ticket = "CONTOSO:Fault-retry";
        String activationId = requestAndApprove(ticket, "PT5H");
        String processInstanceId = processInstanceOf(activationId);
        await().atMost(WAIT).until(() -> incidents(processInstanceId).size() == 1);
        String jobId = management
                .createJobQuery()
                .processInstanceId(processInstanceId)
                .singleResult()
                .getId();

        simulatorControl("DELETE", "/faults", null);
        HttpResponse<String> retried = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/engine-rest/job/" + jobId + "/retries"))
                        .header("Authorization", basic())
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"retries\":1}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(204);
        awaitStatus(activationId, Status.ACTIVE);
        tickets.closeTicket(ticket);
        awaitRevoked(activationId);

        assertThat(engineRest("/engine-rest/history/process-instance?processInstanceId=" + processInstanceId))
                .singleElement()
                .satisfies(p -> assertThat(p.path("state").asText()).isEqualTo("COMPLETED"));
        assertThat(engineRest("/engine-rest/history/incident?processInstanceId=" + processInstanceId))
                .singleElement()
                .satisfies(i -> {
                    assertThat(i.path("activityId").asText()).isEqualTo("Task_ActivateRole");
                    assertThat(i.path("resolved").asBoolean())
                            .as("resolved by the retry")
                            .isTrue();
                });
        assertThat(engineRest("/engine-rest/history/user-operation?jobId=" + jobId))
                .anySatisfy(o -> {
                    assertThat(o.path("operationType").asText()).isEqualTo("SetJobRetries");
                    assertThat(o.path("userId").asText()).isEqualTo("admin");
                });
        assertThat(engineRest("/engine-rest/history/activity-instance?processInstanceId=" + processInstanceId))
                .as("no activity history at level lean")
                .isEmpty();
    }

    /** Every roleAssignmentScheduleRequests POST answers 500 until the faults are deleted: activation runs out of retries. */
    private void failEveryAssignmentRequest() throws Exception {
        simulatorControl("POST", "/faults", """
                {"status":500,"count":-1,"pathContains":"roleAssignmentScheduleRequests","method":"POST"}""");
    }

    private List<JsonNode> engineRest(String pathAndQuery) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
                        .header("Authorization", basic())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(pathAndQuery + ": " + r.body()).isEqualTo(200);
        List<JsonNode> out = new java.util.ArrayList<>();
        json.readTree(r.body()).forEach(out::add);
        return out;
    }

    private String processInstanceOf(String activationId) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/activations/" + activationId))
                        .header("Authorization", basic())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body())
                .path("activation")
                .path("processInstanceId")
                .asText();
    }

    /** What Cockpit shows: the engine REST API's incidents of the instance. */
    private List<JsonNode> incidents(String processInstanceId) throws Exception {
        return engineRest("/engine-rest/incident?processInstanceId=" + processInstanceId);
    }

    private static String basic() {
        return "Basic "
                + Base64.getEncoder().encodeToString("admin:test-admin-password".getBytes(StandardCharsets.UTF_8));
    }

    private String userAdministratorPolicyId() throws Exception {
        String filter = URLEncoder.encode(
                        "scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '" + USER_ADMINISTRATOR
                                + "'",
                        StandardCharsets.UTF_8)
                .replace("+", "%20");
        HttpResponse<String> r = send(
                "GET",
                simulator.baseUrl() + "/policies/roleManagementPolicyAssignments?$filter=" + filter,
                token("{}"),
                null);
        assertThat(r.statusCode()).isEqualTo(200);
        return json.readTree(r.body()).path("value").get(0).path("policyId").asText();
    }

    private String token(String claims) throws Exception {
        return json.readTree(simulatorControl("POST", "/tokens", claims).body())
                .path("access_token")
                .asText();
    }

    private HttpResponse<String> send(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
