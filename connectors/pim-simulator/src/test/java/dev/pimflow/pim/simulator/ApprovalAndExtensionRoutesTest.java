package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.ContosoTenant.ADMIN_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.APPROVAL_ROLE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.APPROVER_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.APPROVER_UPN;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.HELPDESK_GROUP_ID;
import static dev.pimflow.pim.simulator.GraphHttp.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's approval role (Privileged Authentication Administrator, approved by Nora), an activation that waits for
 * approval and its decision ({@code roleAssignmentApprovals}), a group's transitive user members, and {@code
 * adminExtend} counted from the assignment's start; over HTTP, with a clock the test moves.
 */
class ApprovalAndExtensionRoutesTest {

    private static final String RM = "/roleManagement/directory/";
    private static MutableClock clock;
    private static GraphSimulator simulator;
    private static GraphHttp http;
    private static String app;
    private static String admin;
    private static String aline;
    private static String nora;
    private static String bob;

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
        app = new SimulatorTokenCredential().withClock(clock).token();
        admin = user(ADMIN_ID);
        aline = user(ALINE_ID);
        nora = user(APPROVER_ID);
        bob = user(BOB_ID);
    }

    private static String user(String id) {
        return SimulatorTokenCredential.user(id, "pwd", "mfa").withClock(clock).token();
    }

    private static String activation(String principal, String role) {
        return "{\"action\":\"selfActivate\",\"principalId\":\"" + principal + "\",\"roleDefinitionId\":\"" + role
                + "\",\"directoryScopeId\":\"/\",\"justification\":\"rotate the break-glass FIDO keys\","
                + "\"scheduleInfo\":{\"expiration\":{\"type\":\"afterDuration\",\"duration\":\"PT4H\"}},"
                + "\"ticketInfo\":{\"ticketNumber\":\"T-7\",\"ticketSystem\":\"ICM\"}}";
    }

    private static String decision(String result, String justification) {
        return "{\"reviewResult\":\"" + result + "\""
                + (justification == null ? "" : ",\"justification\":\"" + justification + "\"") + "}";
    }

    /** Aline asks for the approval role: 201 PendingApproval. */
    private static JsonNode alineAsks() {
        GraphHttp.Response r =
                http.post(RM + "roleAssignmentScheduleRequests", aline, activation(ALINE_ID, APPROVAL_ROLE_ID));
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(201);
        return r.body();
    }

    private static List<String> activeRoles(String principal) {
        List<String> roles = new ArrayList<>();
        http.get(RM + "roleAssignments?$filter=" + q("principalId eq '" + principal + "'"), app)
                .body()
                .get("value")
                .forEach(a -> roles.add(a.get("roleDefinitionId").asText()));
        return roles;
    }

    private static String stepPath(JsonNode request, JsonNode approval) {
        return RM + "roleAssignmentApprovals/" + request.get("approvalId").asText() + "/steps/"
                + approval.at("/steps/0/id").asText();
    }

    private static String policyId(String role) {
        return http.get(
                        "/policies/roleManagementPolicyAssignments?$filter="
                                + q("scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '" + role
                                        + "'"),
                        admin)
                .body()
                .at("/value/0/policyId")
                .asText();
    }

    private static void setPrimaryApprovers(String role, String approversJson) {
        String body = "{\"@odata.type\":\"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule\","
                + "\"id\":\"Approval_EndUser_Assignment\",\"setting\":{\"isApprovalRequired\":true,"
                + "\"isApprovalRequiredForExtension\":false,\"approvalMode\":\"SingleStage\",\"approvalStages\":[{"
                + "\"approvalStageTimeOutInDays\":1,\"isApproverJustificationRequired\":false,"
                + "\"escalationTimeInMinutes\":0,\"isEscalationEnabled\":false,\"primaryApprovers\":" + approversJson
                + ",\"escalationApprovers\":[]}]}}";
        assertThat(http.patch(
                                "/policies/roleManagementPolicies/" + policyId(role)
                                        + "/rules/Approval_EndUser_Assignment",
                                admin,
                                body)
                        .status())
                .isEqualTo(204);
    }

    @Test
    void theSeededApprovalRoleAsksNoraInOneStage_andTheHelpdeskGroupIsEligible() {
        JsonNode nora = http.get("/users/" + APPROVER_UPN, app).body();
        assertThat(nora.get("id").asText()).isEqualTo(APPROVER_ID);
        assertThat(nora.get("mail").asText()).isEqualTo("NoraL@contoso.onmicrosoft.com");
        assertThat(nora.get("jobTitle").asText()).isEqualTo("IT Helpdesk Lead");
        assertThat(http.get(RM + "roleDefinitions/" + APPROVAL_ROLE_ID, app)
                        .body()
                        .get("displayName")
                        .asText())
                .isEqualTo("Privileged Authentication Administrator");

        JsonNode rules = http.get(
                        "/policies/roleManagementPolicyAssignments?$filter="
                                + q("scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '"
                                        + APPROVAL_ROLE_ID + "'")
                                + "&$expand=" + q("policy($expand=rules)"),
                        app)
                .body()
                .at("/value/0/policy/rules");
        JsonNode approval = null;
        for (JsonNode r : rules) {
            if (r.get("id").asText().equals("Approval_EndUser_Assignment")) {
                approval = r.get("setting");
            }
        }
        assertThat(approval).isNotNull();
        assertThat(approval.get("isApprovalRequired").asBoolean()).isTrue();
        assertThat(approval.get("isApprovalRequiredForExtension").asBoolean()).isTrue();
        assertThat(approval.get("approvalMode").asText()).isEqualTo("SingleStage");
        assertThat(approval.at("/approvalStages/0/approvalStageTimeOutInDays").asInt())
                .isEqualTo(1);
        assertThat(approval.at("/approvalStages/0/isApproverJustificationRequired")
                        .asBoolean())
                .isTrue();
        assertThat(approval.at("/approvalStages/0/primaryApprovers/0/@odata.type")
                        .asText())
                .isEqualTo("#microsoft.graph.singleUser");
        assertThat(approval.at("/approvalStages/0/primaryApprovers/0/userId").asText())
                .isEqualTo(APPROVER_ID);

        JsonNode eligible = http.get(
                        RM + "roleEligibilityScheduleInstances?$filter="
                                + q("principalId eq '" + HELPDESK_GROUP_ID + "' and roleDefinitionId eq '"
                                        + APPROVAL_ROLE_ID + "'"),
                        app)
                .body()
                .get("value");
        assertThat(eligible).hasSize(1);
    }

    @Test
    void anActivationThatNeedsApprovalWaits_andNoraApproving_provisionsIt() {
        JsonNode request = alineAsks();
        assertThat(request.get("status").asText()).isEqualTo("PendingApproval");
        assertThat(request.get("approvalId").asText())
                .isEqualTo(request.get("id").asText());
        assertThat(request.get("completedDateTime").isNull()).isTrue();
        assertThat(activeRoles(ALINE_ID)).doesNotContain(APPROVAL_ROLE_ID);
        String requestPath =
                RM + "roleAssignmentScheduleRequests/" + request.get("id").asText();
        assertThat(http.get(requestPath, app).body().get("status").asText()).isEqualTo("PendingApproval");

        String approvalPath =
                RM + "roleAssignmentApprovals/" + request.get("approvalId").asText();
        GraphHttp.Response forNora = http.get(approvalPath, nora);
        assertThat(forNora.status()).isEqualTo(200);
        assertThat(forNora.body().get("@odata.context").asText())
                .isEqualTo(
                        "https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignmentApprovals/$entity");
        JsonNode step = forNora.body().at("/steps/0");
        assertThat(forNora.body().get("steps")).hasSize(1);
        assertThat(step.get("status").asText()).isEqualTo("InProgress");
        assertThat(step.get("reviewResult").asText()).isEqualTo("NotReviewed");
        assertThat(step.get("assignedToMe").asBoolean()).isTrue();
        assertThat(step.get("reviewedBy")).isEmpty();
        assertThat(step.get("reviewedDateTime").isNull()).isTrue();
        assertThat(http.get(approvalPath, aline)
                        .body()
                        .at("/steps/0/assignedToMe")
                        .asBoolean())
                .isFalse();

        clock.advance(Duration.ofMinutes(30));
        String path = stepPath(request, forNora.body());
        // the approver's justification is required by the seeded rule
        GraphHttp.Response bare = http.patch(path, nora, decision("Approve", null));
        assertThat(bare.status()).isEqualTo(400);
        GraphHttp.Response approved = http.patch(path, nora, decision("Approve", "on call, ticket T-7 checked"));
        assertThat(approved.status()).isEqualTo(204);

        JsonNode after = http.get(requestPath, app).body();
        assertThat(after.get("status").asText()).isEqualTo("Provisioned");
        assertThat(activeRoles(ALINE_ID)).contains(APPROVAL_ROLE_ID);
        JsonNode instance = http.get(
                        RM + "roleAssignmentScheduleInstances?$filter="
                                + q("principalId eq '" + ALINE_ID + "' and roleDefinitionId eq '" + APPROVAL_ROLE_ID
                                        + "'"),
                        app)
                .body()
                .at("/value/0");
        assertThat(instance.get("assignmentType").asText()).isEqualTo("Activated");
        assertThat(instance.get("memberType").asText()).isEqualTo("Group");
        // the activation runs from the approval, for the duration asked
        Instant start = Instant.parse(instance.get("startDateTime").asText());
        assertThat(start).isCloseTo(clock.instant(), within(Duration.ofMillis(1)));
        assertThat(Instant.parse(instance.get("endDateTime").asText())).isEqualTo(start.plus(Duration.ofHours(4)));

        JsonNode decided = http.get(approvalPath, nora).body().at("/steps/0");
        assertThat(decided.get("status").asText()).isEqualTo("Completed");
        assertThat(decided.get("reviewResult").asText()).isEqualTo("Approve");
        assertThat(decided.at("/reviewedBy/0/id").asText()).isEqualTo(APPROVER_ID);
        assertThat(decided.get("justification").asText()).isEqualTo("on call, ticket T-7 checked");
        assertThat(decided.get("assignedToMe").asBoolean()).isFalse();
        // decided already: 409, as the documentation says for a second approver of the stage
        assertThat(http.patch(path, nora, decision("Deny", "changed my mind")).status())
                .isEqualTo(409);
    }

    @Test
    void onlyTheStagesApproverDecides_neverTheRequesterNorAnotherUserNorTheApp() {
        JsonNode request = alineAsks();
        JsonNode approval = http.get(
                        RM + "roleAssignmentApprovals/"
                                + request.get("approvalId").asText(),
                        nora)
                .body();
        String path = stepPath(request, approval);
        assertThat(http.patch(path, aline, decision("Approve", "me")).status()).isEqualTo(403);
        assertThat(http.patch(path, bob, decision("Approve", "me")).status()).isEqualTo(403);
        assertThat(http.patch(path, admin, decision("Approve", "I am Global Administrator"))
                        .status())
                .as("a Global Administrator is no approver when the stage names one")
                .isEqualTo(403);
        assertThat(http.patch(path, app, decision("Approve", "app")).status()).isEqualTo(403);
        assertThat(http.patch(path, nora, decision("Maybe", "x")).status()).isEqualTo(400);
        assertThat(http.get(
                                RM + "roleAssignmentScheduleRequests/"
                                        + request.get("id").asText(),
                                app)
                        .body()
                        .get("status")
                        .asText())
                .isEqualTo("PendingApproval");
        assertThat(http.get(RM + "roleAssignmentApprovals/00000000-0000-0000-0000-000000000404", nora)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aDenialDeniesTheRequest_andAlineMayAskAgain() {
        JsonNode request = alineAsks();
        JsonNode approval = http.get(
                        RM + "roleAssignmentApprovals/"
                                + request.get("approvalId").asText(),
                        nora)
                .body();
        // while one waits, a second request for the same role is refused
        GraphHttp.Response twice =
                http.post(RM + "roleAssignmentScheduleRequests", aline, activation(ALINE_ID, APPROVAL_ROLE_ID));
        assertThat(twice.body().at("/error/code").asText()).isEqualTo("PendingRoleAssignmentRequest");

        assertThat(http.patch(stepPath(request, approval), nora, decision("Deny", "not during the freeze"))
                        .status())
                .isEqualTo(204);
        assertThat(http.get(
                                RM + "roleAssignmentScheduleRequests/"
                                        + request.get("id").asText(),
                                app)
                        .body()
                        .get("status")
                        .asText())
                .isEqualTo("Denied");
        assertThat(activeRoles(ALINE_ID)).doesNotContain(APPROVAL_ROLE_ID);
        assertThat(http.get(
                                RM + "roleAssignmentApprovals/"
                                        + request.get("approvalId").asText(),
                                nora)
                        .body()
                        .at("/steps/0/reviewResult")
                        .asText())
                .isEqualTo("Deny");

        assertThat(alineAsks().get("status").asText()).isEqualTo("PendingApproval");
    }

    @Test
    void aStageWithoutApprovers_isDecidedByThePrivilegedRoleAndGlobalAdministrators() {
        setPrimaryApprovers(APPROVAL_ROLE_ID, "[]");
        JsonNode request = alineAsks();
        JsonNode approval = http.get(
                        RM + "roleAssignmentApprovals/"
                                + request.get("approvalId").asText(),
                        admin)
                .body();
        assertThat(approval.at("/steps/0/assignedToMe").asBoolean()).isTrue();
        assertThat(http.patch(stepPath(request, approval), nora, decision("Approve", "x"))
                        .status())
                .isEqualTo(403);
        assertThat(http.patch(stepPath(request, approval), admin, decision("Approve", "x"))
                        .status())
                .isEqualTo(204);
        assertThat(activeRoles(ALINE_ID)).contains(APPROVAL_ROLE_ID);
    }

    @Test
    void aRequesterWhoIsAlsoAnApprover_neverDecidesTheirOwnRequest() {
        // the admin, a helpdesk member (so eligible) and Global Administrator (so an approver when the stage names
        // none)
        setPrimaryApprovers(APPROVAL_ROLE_ID, "[]");
        JsonNode request = http.post(
                        RM + "roleAssignmentScheduleRequests", admin, activation(ADMIN_ID, APPROVAL_ROLE_ID))
                .body();
        assertThat(request.get("status").asText()).isEqualTo("PendingApproval");
        JsonNode approval = http.get(
                        RM + "roleAssignmentApprovals/"
                                + request.get("approvalId").asText(),
                        admin)
                .body();
        assertThat(approval.at("/steps/0/assignedToMe").asBoolean()).isFalse();
        assertThat(http.patch(stepPath(request, approval), admin, decision("Approve", "me"))
                        .status())
                .isEqualTo(403);
        assertThat(activeRoles(ADMIN_ID)).doesNotContain(APPROVAL_ROLE_ID);
    }

    @Test
    void aGroupMembersApprover_isAnyOfItsMembers() {
        String group = http.post(
                        "/groups",
                        admin,
                        "{\"displayName\":\"Auth approvers\",\"mailEnabled\":false,\"mailNickname\":\"authApprovers\","
                                + "\"securityEnabled\":true,\"members@odata.bind\":[\"https://graph.microsoft.com/v1.0/users/"
                                + BOB_ID + "\"]}")
                .body()
                .get("id")
                .asText();
        setPrimaryApprovers(
                APPROVAL_ROLE_ID,
                "[{\"@odata.type\":\"#microsoft.graph.groupMembers\",\"groupId\":\"" + group + "\"}]");
        JsonNode request = alineAsks();
        JsonNode approval = http.get(
                        RM + "roleAssignmentApprovals/"
                                + request.get("approvalId").asText(),
                        bob)
                .body();
        assertThat(http.patch(stepPath(request, approval), nora, decision("Approve", "x"))
                        .status())
                .isEqualTo(403);
        assertThat(http.patch(stepPath(request, approval), bob, decision("Approve", "x"))
                        .status())
                .isEqualTo(204);
        assertThat(activeRoles(ALINE_ID)).contains(APPROVAL_ROLE_ID);
    }

    @Test
    void aGroupsTransitiveUserMembers_throughNestedGroups() {
        String inner = http.post(
                        "/groups",
                        admin,
                        "{\"displayName\":\"Inner\",\"mailEnabled\":false,\"mailNickname\":\"inner\",\"securityEnabled\":true,"
                                + "\"members@odata.bind\":[\"https://graph.microsoft.com/v1.0/users/" + BOB_ID + "\"]}")
                .body()
                .get("id")
                .asText();
        String outer = http.post(
                        "/groups",
                        admin,
                        "{\"displayName\":\"Outer\",\"mailEnabled\":false,\"mailNickname\":\"outer\",\"securityEnabled\":true,"
                                + "\"members@odata.bind\":[\"https://graph.microsoft.com/v1.0/users/" + APPROVER_ID
                                + "\",\"https://graph.microsoft.com/v1.0/groups/" + inner + "\"]}")
                .body()
                .get("id")
                .asText();
        GraphHttp.Response users =
                http.get("/groups/" + outer + "/transitiveMembers/microsoft.graph.user?$select=id", app);
        assertThat(users.status()).isEqualTo(200);
        assertThat(users.body().get("@odata.context").asText()).endsWith("$metadata#users(id)");
        assertThat(users.body().get("value").findValuesAsText("id")).containsExactly(APPROVER_ID, BOB_ID);
        assertThat(users.body().at("/value/0").size()).as("$select=id").isEqualTo(1);

        JsonNode all = http.get("/groups/" + outer + "/transitiveMembers", app).body();
        assertThat(all.get("value").findValuesAsText("id")).containsExactly(APPROVER_ID, inner, BOB_ID);

        assertThat(http.get("/groups/" + HELPDESK_GROUP_ID + "/transitiveMembers/microsoft.graph.user", app)
                        .body()
                        .get("value")
                        .findValuesAsText("id"))
                .containsExactly(ADMIN_ID, ALINE_ID);
        GraphHttp.Response unknown =
                http.get("/groups/00000000-0000-0000-0000-000000000404/transitiveMembers/microsoft.graph.user", app);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().at("/error/code").asText()).isEqualTo("Request_ResourceNotFound");
    }

    private static String extension(String principal, Instant start, Instant end) {
        return "{\"action\":\"adminExtend\",\"principalId\":\"" + principal + "\",\"roleDefinitionId\":\""
                + APPROVAL_ROLE_ID + "\",\"directoryScopeId\":\"/\",\"justification\":\"still rotating\","
                + "\"scheduleInfo\":{\"startDateTime\":\"" + start + "\",\"expiration\":{\"type\":\"afterDateTime\","
                + "\"endDateTime\":\"" + end
                + "\"}},\"ticketInfo\":{\"ticketNumber\":\"T-7\",\"ticketSystem\":\"ICM\"}}";
    }

    @Test
    void anExtensionKeepsTheStart_andThePolicysMaximumCountsFromIt() {
        // the approval role's active assignments last at most one day (Expiration_Admin_Assignment P1D)
        String assign = "{\"action\":\"adminAssign\",\"principalId\":\"" + ALINE_ID + "\",\"roleDefinitionId\":\""
                + APPROVAL_ROLE_ID + "\",\"directoryScopeId\":\"/\",\"justification\":\"approved by Nora\","
                + "\"scheduleInfo\":{\"expiration\":{\"type\":\"afterDuration\",\"duration\":\"PT12H\"}}}";
        JsonNode assigned =
                http.post(RM + "roleAssignmentScheduleRequests", app, assign).body();
        Instant start = Instant.parse(assigned.at("/scheduleInfo/startDateTime").asText());

        clock.advance(Duration.ofHours(10));
        app = new SimulatorTokenCredential().withClock(clock).token(); // the first has expired by now
        // 20 hours from now would fit in a day; from the start it is 30 hours, more than the maximum
        GraphHttp.Response over = http.post(
                RM + "roleAssignmentScheduleRequests",
                app,
                extension(ALINE_ID, start, clock.instant().plus(Duration.ofHours(20))));
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.body().at("/error/code").asText()).isEqualTo("RoleAssignmentRequestPolicyValidationFailed");
        assertThat(over.body().at("/error/message").asText()).contains("ExpirationRule");

        Instant newEnd = start.plus(Duration.ofHours(23));
        GraphHttp.Response extended =
                http.post(RM + "roleAssignmentScheduleRequests", app, extension(ALINE_ID, start, newEnd));
        assertThat(extended.status()).isEqualTo(201);
        assertThat(extended.body().get("status").asText()).isEqualTo("Provisioned");
        assertThat(Instant.parse(
                        extended.body().at("/scheduleInfo/startDateTime").asText()))
                .isEqualTo(start);
        JsonNode instance = http.get(
                        RM + "roleAssignmentScheduleInstances?$filter="
                                + q("principalId eq '" + ALINE_ID + "' and roleDefinitionId eq '" + APPROVAL_ROLE_ID
                                        + "'"),
                        app)
                .body()
                .at("/value/0");
        assertThat(Instant.parse(instance.get("startDateTime").asText())).isEqualTo(start);
        assertThat(Instant.parse(instance.get("endDateTime").asText())).isEqualTo(newEnd);

        GraphHttp.Response none =
                http.post(RM + "roleAssignmentScheduleRequests", app, extension(BOB_ID, start, newEnd));
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.body().at("/error/code").asText()).isEqualTo("RoleAssignmentDoesNotExist");
    }
}
