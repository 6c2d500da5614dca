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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tutorial's own requests (seeds/000_50eb595f1c532cc2.txt) get the tutorial's (and the spec's) answers. */
class TutorialShapesTest {

    private static final String RM = "/roleManagement/directory/";
    private static final String STEP1 = """
      {
          "description": "IT Helpdesk to support Contoso employees",
          "displayName": "IT Helpdesk (User)",
          "mailEnabled": false,
          "mailNickname": "userHelpdesk",
          "securityEnabled": true,
          "isAssignableToRole": true,
          "owners@odata.bind": [
              "https://graph.microsoft.com/v1.0/users/e2330663-f949-41b5-a3dc-faeb793e14c6"
          ],
          "members@odata.bind": [
              "https://graph.microsoft.com/v1.0/users/e2330663-f949-41b5-a3dc-faeb793e14c6",
              "https://graph.microsoft.com/v1.0/users/d9771b4c-06c5-491a-92cb-3aa4e225a725"
          ]
      }""";
    private static final String STEP4 = """
      {
          "action": "SelfActivate",
          "principalId": "%s",
          "roleDefinitionId": "fe930be7-5e62-47db-91af-98c3a49a38b1",
          "directoryScopeId": "/",
          "justification": "Need to invalidate all app refresh tokens for Contoso users.",
          "scheduleInfo": {
              "startDateTime": "2025-03-21T11:46:00.000Z",
              "expiration": {
                  "type": "AfterDuration",
                  "duration": "PT5H"
              }
          },
          "ticketInfo": {
              "ticketNumber": "CONTOSO:Security-012345",
              "ticketSystem": "Contoso ICM"
          }
      }""";

    private static GraphSimulator simulator;
    private static GraphHttp http;
    private final String admin =
            SimulatorTokenCredential.user(ADMIN_ID, "pwd", "mfa").token();
    private final String app = new SimulatorTokenCredential().token();

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0);
        http = new GraphHttp(simulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    private static String step2(String principalId) {
        Instant now = Instant.now();
        return """
        {
            "action": "AdminAssign",
            "justification": "Assign User Admin eligibility to IT Helpdesk (User) group",
            "roleDefinitionId": "fe930be7-5e62-47db-91af-98c3a49a38b1",
            "directoryScopeId": "/",
            "principalId": "%s",
            "scheduleInfo": {
                "startDateTime": "%s",
                "expiration": {
                    "endDateTime": "%s",
                    "type": "AfterDateTime"
                }
            }
        }""".formatted(principalId, now.minusSeconds(60), now.plus(Duration.ofDays(300)));
    }

    @Test
    void step1_createRoleAssignableGroup() {
        GraphHttp.Response r = http.send("POST", "/groups", admin, STEP1, "7f905906-88f7-1815-3e32-f08d2606cbf4");
        assertThat(r.status()).isEqualTo(201);
        JsonNode g = r.body();
        assertThat(g.get("@odata.context").asText())
                .isEqualTo("https://graph.microsoft.com/v1.0/$metadata#groups/$entity");
        assertThat(g.get("id").asText()).matches("[0-9a-f-]{36}");
        assertThat(g.get("description").asText()).isEqualTo("IT Helpdesk to support Contoso employees");
        assertThat(g.get("displayName").asText()).isEqualTo("IT Helpdesk (User)");
        assertThat(g.get("groupTypes").isArray()).isTrue();
        assertThat(g.get("groupTypes")).isEmpty();
        assertThat(g.get("isAssignableToRole").asBoolean()).isTrue();
        assertThat(g.get("mailEnabled").asBoolean()).isFalse();
        assertThat(g.get("mailNickname").asText()).isEqualTo("userHelpdesk");
        assertThat(g.get("securityEnabled").asBoolean()).isTrue();
        assertThat(g.get("securityIdentifier").asText()).startsWith("S-1-12-1-");
        assertThat(g.get("visibility").asText()).isEqualTo("Private");
        assertThat(g.has("mail")).isTrue();
        assertThat(g.get("mail").isNull()).isTrue();
        assertThat(r.header("request-id")).isNotBlank();
        assertThat(r.header("client-request-id")).isEqualTo("7f905906-88f7-1815-3e32-f08d2606cbf4");

        String id = g.get("id").asText();
        assertThat(http.get("/groups/" + id, admin).status()).isEqualTo(200);
        JsonNode memberOf =
                http.get("/users/" + ALINE_ID + "/transitiveMemberOf", admin).body();
        assertThat(memberOf.get("value").findValuesAsText("id")).contains(id, ContosoTenant.HELPDESK_GROUP_ID);
        assertThat(http.delete("/groups/" + id, admin).status()).isEqualTo(204);
        GraphHttp.Response gone = http.get("/groups/" + id, admin);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body().at("/error/code").asText()).isEqualTo("Request_ResourceNotFound");
    }

    @Test
    void step2_groupEligibility() {
        String group = http.post("/groups", admin, STEP1).body().get("id").asText();
        Instant before = Instant.now();
        GraphHttp.Response r = http.post(RM + "roleEligibilityScheduleRequests", admin, step2(group));
        assertThat(r.status()).isEqualTo(201);
        JsonNode b = r.body();
        assertThat(keys(b))
                .containsExactly(
                        "@odata.context",
                        "id",
                        "status",
                        "createdDateTime",
                        "completedDateTime",
                        "approvalId",
                        "customData",
                        "action",
                        "principalId",
                        "roleDefinitionId",
                        "directoryScopeId",
                        "appScopeId",
                        "isValidationOnly",
                        "targetScheduleId",
                        "justification",
                        "createdBy",
                        "scheduleInfo",
                        "ticketInfo");
        assertThat(b.get("@odata.context").asText())
                .isEqualTo(
                        "https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleRequests/$entity");
        assertThat(b.get("status").asText()).isEqualTo("Provisioned");
        assertThat(b.get("action").asText()).isEqualTo("adminAssign");
        assertThat(b.get("targetScheduleId").asText()).isEqualTo(b.get("id").asText());
        assertThat(b.get("principalId").asText()).isEqualTo(group);
        assertThat(b.at("/createdBy/user/id").asText()).isEqualTo(ADMIN_ID);
        assertThat(b.at("/createdBy/application").isNull()).isTrue();
        assertThat(b.at("/scheduleInfo/expiration/type").asText()).isEqualTo("afterDateTime");
        assertThat(b.at("/scheduleInfo/expiration/duration").isNull()).isTrue();
        assertThat(b.at("/scheduleInfo/recurrence").isNull()).isTrue();
        // a past start is normalised to the processing time
        assertThat(Instant.parse(b.at("/scheduleInfo/startDateTime").asText())).isAfterOrEqualTo(before.minusMillis(1));
        assertThat(b.at("/ticketInfo/ticketNumber").isNull()).isTrue();

        GraphHttp.Response again = http.post(RM + "roleEligibilityScheduleRequests", admin, step2(group));
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.body().at("/error/code").asText()).isEqualTo("RoleAssignmentExists");

        JsonNode instances = http.get(
                        RM + "roleEligibilityScheduleInstances?$filter=" + q("principalId eq '" + group + "'"), app)
                .body();
        assertThat(instances.get("value")).hasSize(1);
        assertThat(instances.at("/value/0/id").asText()).endsWith("-1-e");
    }

    @Test
    void step3_noActiveAssignmentsYet() {
        JsonNode r = http.get(RM + "roleAssignments?$filter=" + q("principalId eq '" + ALINE_ID + "'"), admin)
                .body();
        assertThat(r.get("@odata.context").asText())
                .isEqualTo("https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments");
        assertThat(r.get("value")).isEmpty();
    }

    @Test
    void step4_appOnlySelfActivateFailsMfa() {
        GraphHttp.Response r =
                http.send("POST", RM + "roleAssignmentScheduleRequests", app, STEP4.formatted(ALINE_ID), "c-1");
        assertThat(r.status()).isEqualTo(400);
        JsonNode error = r.body().get("error");
        assertThat(error.get("code").asText()).isEqualTo("RoleAssignmentRequestPolicyValidationFailed");
        assertThat(error.get("message").asText()).isEqualTo("The following policy rules failed: [\"MfaRule\"]");
        assertThat(keys(error.get("innerError"))).containsExactly("date", "request-id", "client-request-id");
        assertThat(error.at("/innerError/date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
        assertThat(error.at("/innerError/client-request-id").asText()).isEqualTo("c-1");
        assertThat(error.at("/innerError/request-id").asText()).isEqualTo(r.header("request-id"));
    }

    @Test
    void step4_delegatedSelfActivateWithMfa() {
        String alineWithoutMfa = SimulatorTokenCredential.user(ALINE_ID, "pwd").token();
        GraphHttp.Response noMfa =
                http.post(RM + "roleAssignmentScheduleRequests", alineWithoutMfa, STEP4.formatted(ALINE_ID));
        assertThat(noMfa.status()).isEqualTo(400);
        assertThat(noMfa.body().at("/error/message").asText()).contains("MfaRule");

        String aline = SimulatorTokenCredential.user(ALINE_ID, "pwd", "mfa").token();
        GraphHttp.Response r = http.post(RM + "roleAssignmentScheduleRequests", aline, STEP4.formatted(ALINE_ID));
        assertThat(r.status()).isEqualTo(201);
        JsonNode b = r.body();
        assertThat(b.get("status").asText()).isEqualTo("Provisioned");
        assertThat(b.get("action").asText()).isEqualTo("selfActivate");
        assertThat(b.at("/scheduleInfo/expiration/type").asText()).isEqualTo("afterDuration");
        assertThat(b.at("/scheduleInfo/expiration/duration").asText()).isEqualTo("PT5H");
        assertThat(b.at("/scheduleInfo/expiration/endDateTime").isNull()).isTrue();
        assertThat(b.at("/ticketInfo/ticketNumber").asText()).isEqualTo("CONTOSO:Security-012345");
        assertThat(b.at("/createdBy/user/id").asText()).isEqualTo(ALINE_ID);

        // step 5: the activation is visible, to Aline herself and in roleAssignments
        JsonNode mine = http.get(
                        RM
                                + "roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')?$expand=roleDefinition",
                        aline)
                .body();
        assertThat(mine.get("value")).hasSize(1);
        assertThat(mine.at("/value/0/roleDefinition/displayName").asText()).isEqualTo("User Administrator");
        JsonNode assignments = http.get(RM + "roleAssignments?$filter=" + q("principalId eq '" + ALINE_ID + "'"), app)
                .body();
        assertThat(assignments.get("value")).hasSize(1);
        JsonNode instance = http.get(
                        RM + "roleAssignmentScheduleInstances?$filter=" + q("principalId eq '" + ALINE_ID + "'"), app)
                .body()
                .at("/value/0");
        assertThat(instance.get("assignmentType").asText()).isEqualTo("Activated");
        assertThat(instance.get("memberType").asText()).isEqualTo("Group");

        // activating twice, or deactivating at once, is refused
        assertThat(http.post(RM + "roleAssignmentScheduleRequests", aline, STEP4.formatted(ALINE_ID))
                        .body()
                        .at("/error/code")
                        .asText())
                .isEqualTo("RoleAssignmentExists");
        String deactivate = "{\"action\":\"selfDeactivate\",\"principalId\":\"" + ALINE_ID
                + "\",\"roleDefinitionId\":\"" + USER_ADMINISTRATOR_ROLE_ID + "\",\"directoryScopeId\":\"/\"}";
        assertThat(http.post(RM + "roleAssignmentScheduleRequests", aline, deactivate)
                        .body()
                        .at("/error/code")
                        .asText())
                .isEqualTo("ActiveDurationTooShort");
    }

    @Test
    void step6_revokeGroupEligibility() {
        String remove = "{\"action\":\"AdminRemove\",\"principalId\":\"" + ContosoTenant.HELPDESK_GROUP_ID
                + "\",\"roleDefinitionId\":\"" + USER_ADMINISTRATOR_ROLE_ID + "\",\"directoryScopeId\":\"/\"}";
        GraphHttp.Response r = http.post(RM + "roleEligibilityScheduleRequests", admin, remove);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.body().get("status").asText()).isEqualTo("Revoked");
        assertThat(r.body().get("action").asText()).isEqualTo("adminRemove");
        assertThat(r.body().get("targetScheduleId").isNull()).isTrue();
        assertThat(r.body().get("scheduleInfo").isNull()).isTrue();
        assertThat(r.body().get("completedDateTime").isNull()).isTrue();
        // Aline is no longer eligible
        String aline = SimulatorTokenCredential.user(ALINE_ID, "pwd", "mfa").token();
        assertThat(http.post(RM + "roleAssignmentScheduleRequests", aline, STEP4.formatted(ALINE_ID))
                        .body()
                        .at("/error/message")
                        .asText())
                .contains("EligibilityRule");
    }

    @Test
    void notEligibleAndWrongPrincipal() {
        String bob = SimulatorTokenCredential.user(BOB_ID, "pwd", "mfa").token();
        GraphHttp.Response r = http.post(RM + "roleAssignmentScheduleRequests", bob, STEP4.formatted(BOB_ID));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().at("/error/code").asText()).isEqualTo("RoleAssignmentRequestPolicyValidationFailed");
        assertThat(r.body().at("/error/message").asText())
                .isEqualTo("The following policy rules failed: [\"EligibilityRule\"]");

        String aline = SimulatorTokenCredential.user(ALINE_ID, "pwd", "mfa").token();
        GraphHttp.Response other = http.post(RM + "roleAssignmentScheduleRequests", aline, STEP4.formatted(BOB_ID));
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.body().at("/error/code").asText()).isEqualTo("InvalidRoleAssignmentRequest");
    }
}
