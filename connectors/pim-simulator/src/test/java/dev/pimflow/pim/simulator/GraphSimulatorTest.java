package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.ContosoTenant.ADMIN_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.USER_ADMINISTRATOR_ROLE_ID;
import static dev.pimflow.pim.simulator.GraphHttp.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Validation, policies, tokens, faults, paging and time, with a clock the test moves. */
class GraphSimulatorTest {

    private static final String RM = "/roleManagement/directory/";
    private static MutableClock clock;
    private static GraphSimulator simulator;
    private static GraphHttp http;
    private static String app;
    private static String admin;
    private static String aline;

    @BeforeAll
    static void start() {
        clock = new MutableClock(Instant.now());
        simulator = GraphSimulator.start(0, clock, 100);
        http = new GraphHttp(simulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        clock.set(Instant.now());
        simulator.reset();
        http.delete("/_simulator/faults", null);
        // tokens expire against the simulator's clock, so they are minted on it
        app = new SimulatorTokenCredential().withClock(clock).token();
        admin = SimulatorTokenCredential.user(ADMIN_ID, "pwd", "mfa")
                .withClock(clock)
                .token();
        aline = SimulatorTokenCredential.user(ALINE_ID, "pwd", "mfa")
                .withClock(clock)
                .token();
    }

    private static String request(String action, String principal, String role, String duration) {
        String schedule = duration == null
                ? ""
                : ",\"scheduleInfo\":{\"expiration\":{\"type\":\"afterDuration\",\"duration\":\"" + duration + "\"}}";
        return "{\"action\":\"" + action + "\",\"principalId\":\"" + principal + "\",\"roleDefinitionId\":\"" + role
                + "\",\"directoryScopeId\":\"/\",\"justification\":\"because\",\"ticketInfo\":{\"ticketNumber\":\"T-1\",\"ticketSystem\":\"ICM\"}"
                + schedule + "}";
    }

    private static String errorCode(GraphHttp.Response r) {
        return r.body().at("/error/code").asText();
    }

    @Test
    void healthNeedsNoToken() {
        assertThat(http.get("/_simulator/health", null).status()).isEqualTo(200);
    }

    @Test
    void graphNeedsABearerToken() {
        GraphHttp.Response none = http.get(RM + "roleDefinitions", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(errorCode(none)).isEqualTo("InvalidAuthenticationToken");
        assertThat(http.get(RM + "roleDefinitions", "not-a-jwt").status()).isEqualTo(401);
        String expired = new SimulatorTokenCredential()
                .withClock(new MutableClock(clock.instant().minus(Duration.ofHours(2))))
                .token();
        assertThat(http.get(RM + "roleDefinitions", expired).status()).isEqualTo(401);
    }

    @Test
    void roleDefinitionsByIdAndByName() {
        JsonNode all = http.get(RM + "roleDefinitions", app).body();
        assertThat(all.get("value")).hasSize(20);
        JsonNode byName = http.get(RM + "roleDefinitions?$filter=" + q("displayName eq 'User Administrator'"), app)
                .body();
        assertThat(byName.at("/value/0/id").asText()).isEqualTo(USER_ADMINISTRATOR_ROLE_ID);
        JsonNode byId = http.get(RM + "roleDefinitions/" + USER_ADMINISTRATOR_ROLE_ID, app)
                .body();
        assertThat(byId.get("displayName").asText()).isEqualTo("User Administrator");
        assertThat(http.get(RM + "roleDefinitions/00000000-0000-0000-0000-000000000000", app)
                        .status())
                .isEqualTo(404);
        assertThat(http.get(RM + "roleDefinitions?$filter=" + q("displayName eq 'x' or id eq 'y'"), app)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void pagingFollowsNextLinkWithTop() {
        Set<String> ids = new HashSet<>();
        String next = RM + "roleDefinitions?$top=7";
        int pages = 0;
        while (next != null) {
            JsonNode page = http.get(next, app).body();
            page.get("value").forEach(v -> ids.add(v.get("id").asText()));
            next = page.has("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(ids).hasSize(20);
    }

    @Test
    void policyAssignmentsNeedTheScopeFilterAndHave17Rules() {
        assertThat(http.get("/policies/roleManagementPolicyAssignments", app).status())
                .isEqualTo(400);
        String filter = q("scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '"
                + USER_ADMINISTRATOR_ROLE_ID + "'");
        JsonNode r = http.get(
                        "/policies/roleManagementPolicyAssignments?$filter=" + filter + "&$expand="
                                + q("policy($expand=rules)"),
                        app)
                .body();
        assertThat(r.get("@odata.context").asText())
                .endsWith("#policies/roleManagementPolicyAssignments(policy(rules()))");
        assertThat(r.get("value")).hasSize(1);
        JsonNode assignment = r.at("/value/0");
        assertThat(assignment.get("id").asText())
                .startsWith("DirectoryRole_" + ContosoTenant.TENANT_ID + "_")
                .endsWith("_" + USER_ADMINISTRATOR_ROLE_ID);
        JsonNode rules = assignment.at("/policy/rules");
        assertThat(rules).hasSize(17);
        assertThat(rules.findValuesAsText("id"))
                .contains(
                        "Expiration_EndUser_Assignment",
                        "Enablement_EndUser_Assignment",
                        "Approval_EndUser_Assignment",
                        "AuthenticationContext_EndUser_Assignment",
                        "Notification_Approver_EndUser_Assignment");

        // PATCH a rule (spec 5.3 example), then GET it back
        String policyId = assignment.get("policyId").asText();
        String patch =
                "{\"@odata.type\":\"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule\",\"id\":\"Expiration_EndUser_Assignment\","
                        + "\"isExpirationRequired\":true,\"maximumDuration\":\"PT1H45M\",\"target\":{\"@odata.type\":\"microsoft.graph.unifiedRoleManagementPolicyRuleTarget\","
                        + "\"caller\":\"EndUser\",\"operations\":[\"All\"],\"level\":\"Assignment\",\"inheritableSettings\":[],\"enforcedSettings\":[]}}";
        assertThat(http.patch(
                                "/policies/roleManagementPolicies/" + policyId + "/rules/Expiration_EndUser_Assignment",
                                admin,
                                patch)
                        .status())
                .isEqualTo(204);
        JsonNode rule = http.get(
                        "/policies/roleManagementPolicies/" + policyId + "/rules/Expiration_EndUser_Assignment", app)
                .body();
        assertThat(rule.get("maximumDuration").asText()).isEqualTo("PT1H45M");
        assertThat(rule.at("/target/operations/0").asText()).isEqualTo("all");

        // the new maximum applies to activations
        GraphHttp.Response tooLong = http.post(
                RM + "roleAssignmentScheduleRequests",
                aline,
                request("selfActivate", ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, "PT2H"));
        assertThat(tooLong.body().at("/error/message").asText())
                .isEqualTo("The following policy rules failed: [\"ExpirationRule\"]");
    }

    @Test
    void policyFailuresListEveryFailedRuleInOrder() {
        String body = "{\"action\":\"selfActivate\",\"principalId\":\"" + ALINE_ID + "\",\"roleDefinitionId\":\""
                + USER_ADMINISTRATOR_ROLE_ID
                + "\",\"directoryScopeId\":\"/\",\"scheduleInfo\":{\"expiration\":{\"type\":\"noExpiration\"}}}";
        String alineNoMfa =
                SimulatorTokenCredential.user(ALINE_ID, "pwd").withClock(clock).token();
        GraphHttp.Response r = http.post(RM + "roleAssignmentScheduleRequests", alineNoMfa, body);
        assertThat(r.body().at("/error/message").asText())
                .isEqualTo(
                        "The following policy rules failed: [\"ExpirationRule\",\"MfaRule\",\"JustificationRule\",\"TicketingRule\"]");
    }

    @Test
    void stateErrors() {
        GraphHttp.Response nothing = http.post(
                RM + "roleAssignmentScheduleRequests",
                app,
                request("adminRemove", BOB_ID, USER_ADMINISTRATOR_ROLE_ID, null));
        assertThat(errorCode(nothing)).isEqualTo("RoleAssignmentDoesNotExist");
        assertThat(errorCode(http.post(
                        RM + "roleAssignmentScheduleRequests",
                        app,
                        request("adminAssign", BOB_ID, "11111111-1111-1111-1111-111111111111", "PT1H"))))
                .isEqualTo("RoleNotFound");
        assertThat(errorCode(http.post(
                        RM + "roleAssignmentScheduleRequests",
                        app,
                        request(
                                "adminAssign",
                                "22222222-2222-2222-2222-222222222222",
                                USER_ADMINISTRATOR_ROLE_ID,
                                "PT1H"))))
                .isEqualTo("SubjectNotFound");
        assertThat(errorCode(http.post(
                        RM + "roleAssignmentScheduleRequests",
                        app,
                        request("adminRenew", BOB_ID, USER_ADMINISTRATOR_ROLE_ID, "PT1H"))))
                .isEqualTo("notSupported");
        // a delegated admin write needs an active Privileged Role Administrator or Global Administrator role
        String bob = SimulatorTokenCredential.user(BOB_ID, "pwd", "mfa")
                .withClock(clock)
                .token();
        assertThat(http.post(
                                RM + "roleAssignmentScheduleRequests",
                                bob,
                                request("adminAssign", BOB_ID, USER_ADMINISTRATOR_ROLE_ID, "PT1H"))
                        .status())
                .isEqualTo(403);
        // validation only: accepted, nothing persisted
        String validate = request("adminAssign", BOB_ID, USER_ADMINISTRATOR_ROLE_ID, "PT1H")
                .replaceFirst("\\{", "{\"isValidationOnly\":true,");
        GraphHttp.Response dryRun = http.post(RM + "roleAssignmentScheduleRequests", app, validate);
        assertThat(dryRun.status()).isEqualTo(201);
        assertThat(dryRun.body().get("isValidationOnly").asBoolean()).isTrue();
        assertThat(http.get(RM + "roleAssignments?$filter=" + q("principalId eq '" + BOB_ID + "'"), app)
                        .body()
                        .get("value"))
                .isEmpty();
    }

    @Test
    void assignmentsExpireAndActivationsCanBeDeactivatedAfterFiveMinutes() {
        assertThat(http.post(
                                RM + "roleAssignmentScheduleRequests",
                                app,
                                request("adminAssign", BOB_ID, USER_ADMINISTRATOR_ROLE_ID, "PT1H"))
                        .status())
                .isEqualTo(201);
        assertThat(http.post(
                                RM + "roleAssignmentScheduleRequests",
                                aline,
                                request("selfActivate", ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, "PT2H"))
                        .status())
                .isEqualTo(201);
        String deactivate = request("selfDeactivate", ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, null);
        assertThat(errorCode(http.post(RM + "roleAssignmentScheduleRequests", aline, deactivate)))
                .isEqualTo("ActiveDurationTooShort");

        clock.advance(Duration.ofMinutes(6));
        GraphHttp.Response revoked = http.post(RM + "roleAssignmentScheduleRequests", aline, deactivate);
        assertThat(revoked.status()).isEqualTo(201);
        assertThat(revoked.body().get("status").asText()).isEqualTo("Revoked");

        String bobFilter = RM + "roleAssignments?$filter=" + q("principalId eq '" + BOB_ID + "'");
        assertThat(http.get(bobFilter, app).body().get("value")).hasSize(1);
        clock.advance(Duration.ofMinutes(55));
        app = new SimulatorTokenCredential().withClock(clock).token();
        assertThat(http.get(bobFilter, app).body().get("value")).isEmpty();
    }

    @Test
    void futureStartIsGrantedAndCancelable() {
        Instant start = clock.instant().plus(Duration.ofHours(2));
        String body = "{\"action\":\"adminAssign\",\"principalId\":\"" + BOB_ID + "\",\"roleDefinitionId\":\""
                + USER_ADMINISTRATOR_ROLE_ID
                + "\",\"directoryScopeId\":\"/\",\"justification\":\"later\",\"scheduleInfo\":{\"startDateTime\":\""
                + start
                + "\",\"expiration\":{\"type\":\"afterDuration\",\"duration\":\"PT1H\"}}}";
        GraphHttp.Response r = http.post(RM + "roleAssignmentScheduleRequests", app, body);
        assertThat(r.body().get("status").asText()).isEqualTo("Granted");
        assertThat(http.get(RM + "roleAssignments?$filter=" + q("principalId eq '" + BOB_ID + "'"), app)
                        .body()
                        .get("value"))
                .isEmpty();
        String id = r.body().get("id").asText();
        app = new SimulatorTokenCredential().withClock(clock).token();
        assertThat(http.post(RM + "roleAssignmentScheduleRequests/" + id + "/cancel", app, null)
                        .status())
                .isEqualTo(204);
        assertThat(http.get(RM + "roleAssignmentScheduleRequests/" + id, app)
                        .body()
                        .get("status")
                        .asText())
                .isEqualTo("Canceled");
    }

    @Test
    void faultSwitchAnswersWithGraphShapedErrors() {
        GraphHttp.Response armed = http.post(
                "/_simulator/faults",
                null,
                "{\"status\":429,\"retryAfterSeconds\":2.5,\"count\":1,\"pathContains\":\"roleDefinitions\"}");
        assertThat(armed.status()).isEqualTo(201);
        GraphHttp.Response throttled = http.get(RM + "roleDefinitions", app);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isEqualTo("2.5");
        assertThat(errorCode(throttled)).isEqualTo("TooManyRequests");
        assertThat(throttled.body().at("/error/innerError/code").asText()).isEqualTo("429");
        assertThat(http.get(RM + "roleDefinitions", app).status()).isEqualTo(200);

        http.post("/_simulator/faults", null, "{\"status\":503,\"count\":-1}");
        assertThat(errorCode(http.get("/users/" + ALINE_ID, app))).isEqualTo("serviceNotAvailable");
        assertThat(http.delete("/_simulator/faults", null).status()).isEqualTo(204);
        assertThat(http.get("/users/" + ALINE_ID, app).status()).isEqualTo(200);
    }

    @Test
    void transitiveMemberOfOfUnknownUserIs404() {
        GraphHttp.Response r = http.get("/users/00000000-0000-0000-0000-00000000dead/transitiveMemberOf", app);
        assertThat(r.status()).isEqualTo(404);
        assertThat(errorCode(r)).isEqualTo("Request_ResourceNotFound");
    }

    @Test
    void requestsAreCountedByEndpointWithIdsFoldedAndOptionsNamed() {
        String dead = "00000000-0000-0000-0000-00000000dead";
        http.get("/users/" + ALINE_ID + "/transitiveMemberOf?$top=1&$select=id", app);
        http.get("/users/" + BOB_ID + "/transitiveMemberOf?$select=id&$top=1", app);
        assertThat(http.get("/users/" + dead + "/transitiveMemberOf", app).status())
                .isEqualTo(404); // the route answered it: counted
        http.get(RM + "roleEligibilityScheduleInstances?$filter=" + q("principalId eq '" + ALINE_ID + "'"), app);
        http.post(
                RM + "roleAssignmentScheduleRequests",
                app,
                request("adminAssign", ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, "PT1H"));
        http.post("/_simulator/faults", null, "{\"status\":503,\"count\":1}");
        assertThat(http.get("/users/" + ALINE_ID, app).status()).isEqualTo(503); // the fault answered: not counted
        assertThat(http.get(RM + "nothingHere", app).status()).isEqualTo(400); // no route: not counted

        assertThat(simulator.requests())
                .containsExactly(
                        java.util.Map.entry("GET " + RM + "roleEligibilityScheduleInstances?$filter", 1L),
                        java.util.Map.entry("GET /users/{id}/transitiveMemberOf", 1L),
                        java.util.Map.entry("GET /users/{id}/transitiveMemberOf?$select&$top", 2L),
                        java.util.Map.entry("POST " + RM + "roleAssignmentScheduleRequests", 1L));
        JsonNode counted = http.get("/_simulator/requests", null).body();
        assertThat(counted.get("read").asLong()).isEqualTo(4);
        assertThat(counted.get("write").asLong()).isEqualTo(1);
        assertThat(counted.at("/endpoints/GET ~1users~1{id}~1transitiveMemberOf?$select&$top")
                        .asLong())
                .isEqualTo(2);

        assertThat(http.delete("/_simulator/requests", null).status()).isEqualTo(204);
        assertThat(simulator.requests()).isEmpty();
        http.get(RM + "roleDefinitions/" + USER_ADMINISTRATOR_ROLE_ID, app);
        assertThat(simulator.requests()).containsOnlyKeys("GET " + RM + "roleDefinitions/{id}");
        simulator.reset();
        assertThat(simulator.requests()).isEmpty();
    }

    @Test
    void tokensEndpointMintsUsableTokens() {
        JsonNode minted = http.post(
                        "/_simulator/tokens", null, "{\"oid\":\"" + ALINE_ID + "\",\"amr\":[\"pwd\",\"mfa\"]}")
                .body();
        String token = minted.get("access_token").asText();
        // minted on the system clock; the simulator's clock is close enough for a one-hour token
        JsonNode mine = http.get(RM + "roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')", token)
                .body();
        assertThat(mine.get("@odata.context").asText()).endsWith("#Collection(unifiedRoleEligibilityScheduleInstance)");
        assertThat(mine.get("value")).isEmpty(); // Aline's eligibility comes through the group
    }
}
