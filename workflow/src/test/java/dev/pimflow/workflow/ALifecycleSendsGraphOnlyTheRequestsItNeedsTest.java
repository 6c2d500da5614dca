package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static dev.pimflow.workflow.support.TopicWatcher.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * What one lifecycle (request, precheck, validation, MFA, activation, ticket closed, revocation) costs of Graph's quota,
 * counted by the Graph simulator per endpoint: for a principal eligible through a group (Aline, through "IT Helpdesk
 * (User)") and one directly eligible (Bob, made eligible here), each on its first request (the precheck asks whether the
 * principal exists) and on a later one (the precheck remembers the principal); the node's first request also reads the
 * role's definition and policy, which are then cached. Eligibility is asked of Graph at every validation. A request for
 * a principal the directory does not know goes to the dead-letter topic after the precheck's answer. The figures are in
 * the README ("What a lifecycle costs of Graph's quota"); a change that sends other requests, or more, fails here.
 */
// its own context (and engine name: Camunda looks engines up by name in a JVM-wide registry), so that its caches
// start empty and the first request of each principal is a first one
@TestPropertySource(properties = "camunda.bpm.process-engine-name=graphrequeststest")
class ALifecycleSendsGraphOnlyTheRequestsItNeedsTest extends EndToEndTestBase {
    private static final String RM = "GET /roleManagement/directory/";
    private static final String ROLE_DEFINITION = RM + "roleDefinitions/{id}";
    private static final String POLICY = "GET /policies/roleManagementPolicyAssignments?$expand&$filter";
    private static final String ELIGIBILITY = RM + "roleEligibilityScheduleInstances?$filter";
    private static final String MEMBER_OF = "GET /users/{id}/transitiveMemberOf";
    private static final String PRINCIPAL_EXISTS = "GET /users/{id}/transitiveMemberOf?$select&$top";
    private static final String ASSIGN_OR_REMOVE = "POST /roleManagement/directory/roleAssignmentScheduleRequests";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void eachLifecycleSendsGraphOnlyTheCountedRequests() throws Exception {
        // the node's first request: the role's definition and policy (then cached for pim.graph.role-cache-ttl); the
        // precheck's "is Aline known", one read (then remembered for pim.precheck.principal-ttl); validation's
        // eligibility: her own (none), her groups, the helpdesk group's; adminAssign; adminRemove
        assertThat(lifecycle(ALINE, "CONTOSO:Calls-1"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        ROLE_DEFINITION,
                        1L,
                        POLICY,
                        1L,
                        PRINCIPAL_EXISTS,
                        1L,
                        ELIGIBILITY,
                        2L,
                        MEMBER_OF,
                        1L,
                        ASSIGN_OR_REMOVE,
                        2L));
        // a later request of hers: validation's eligibility and the two writes
        assertThat(lifecycle(ALINE, "CONTOSO:Calls-2"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(ELIGIBILITY, 2L, MEMBER_OF, 1L, ASSIGN_OR_REMOVE, 2L));

        makeDirectlyEligible(BOB);
        // Bob's first request (the role is cached by now): the precheck's one read, then his own eligibility answers
        // validation
        assertThat(lifecycle(BOB, "CONTOSO:Calls-3"))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(PRINCIPAL_EXISTS, 1L, ELIGIBILITY, 1L, ASSIGN_OR_REMOVE, 2L));
        assertThat(lifecycle(BOB, "CONTOSO:Calls-4"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(ELIGIBILITY, 1L, ASSIGN_OR_REMOVE, 2L));

        // a principal the directory does not know: the precheck sends the request to the dead-letter topic
        assertThat(unknownPrincipal("CONTOSO:Calls-5"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(PRINCIPAL_EXISTS, 1L));
    }

    /** Requests an activation, approves its MFA challenge, closes the ticket once it is active: what Graph answered. */
    private Map<String, Long> lifecycle(String principal, String ticket) {
        simulator.resetRequests();
        tickets.requestActivation(ticket, principal, "PT1H");
        JsonNode challenge = awaitChallenge(ticket).path("data");
        String activationId = challenge.path("activationId").asText();
        String challengeId = challenge.path("challengeId").asText();
        tickets.respondToChallenge(challengeId, gateway.sign(principal, challengeId, true, Duration.ofMinutes(2)));
        awaitStatus(activationId, Status.ACTIVE);
        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
        awaitStatus(activationId, Status.REVOKED);
        return simulator.requests();
    }

    private Map<String, Long> unknownPrincipal(String ticket) {
        simulator.resetRequests();
        String eventId = tickets.requestActivation(ticket, "00000000-0000-0000-0000-00000000dead", "PT1H");
        ConsumerRecord<String, byte[]> dead = topics.awaitRecord(
                "tickets.events.dlt", WAIT, r -> new String(r.value(), StandardCharsets.UTF_8).contains(eventId));
        assertThat(header(dead, "pim-dlt-field")).isEqualTo("data.principalId");
        assertThat(header(dead, "pim-dlt-reason")).contains("unknown principal (SubjectNotFound)");
        return simulator.requests();
    }

    /** An eligibility of the principal's own for User Administrator, tenant-wide, granted by the tenant's administrator. */
    private void makeDirectlyEligible(String principal) throws Exception {
        String token = SimulatorTokenCredential.user(TutorialTenant.ADMIN_ID, "pwd", "mfa")
                .token();
        String body = "{\"action\":\"adminAssign\",\"justification\":\"on call\",\"roleDefinitionId\":\""
                + USER_ADMINISTRATOR + "\",\"directoryScopeId\":\"/\",\"principalId\":\"" + principal
                + "\",\"scheduleInfo\":{\"startDateTime\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "\",\"expiration\":{\"type\":\"afterDuration\",\"duration\":\"P30D\"}}}";
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(
                                simulator.baseUrl() + "/roleManagement/directory/roleEligibilityScheduleRequests"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
}
