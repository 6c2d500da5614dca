package dev.pimflow.pim.graph;

import static dev.pimflow.pim.simulator.ContosoTenant.ADMIN_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.APPROVAL_ROLE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.APPROVER_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.HELPDESK_GROUP_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.USER_ADMINISTRATOR_ROLE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.ApprovalRule;
import dev.pimflow.pim.ApprovalStage;
import dev.pimflow.pim.Approver;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import dev.pimflow.pim.simulator.GraphHttp;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The approval a role's policy asks ({@code Approval_EndUser_Assignment}) as {@link GraphPimClient#activationPolicy}
 * reads it, and the users {@link GraphPimClient#approverUserIds} names for a stage, against the simulator.
 */
class GraphPimClientApprovalTest {

    private static final String RM = "/roleManagement/directory/";
    private static final String PRIVILEGED_ROLE_ADMINISTRATOR = "e8611ab8-c189-46e8-94e1-60213ab1f814";

    private static GraphSimulator simulator;
    private static GraphHttp http;
    private static GraphPimClient client;
    private static String admin;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0);
        http = new GraphHttp(simulator.baseUrl());
        client = new GraphPimClient(GraphPimClientTest.settings(simulator), new SimulatorTokenCredential());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
        admin = SimulatorTokenCredential.user(ADMIN_ID, "pwd", "mfa").token();
    }

    @Test
    void theSeededApprovalRole_oneStageDecidedByNora() {
        ActivationPolicy policy = client.activationPolicy(APPROVAL_ROLE_ID);
        assertThat(policy.maximumDuration()).isEqualTo(Duration.ofHours(8));
        assertThat(policy.mfaRequired()).isTrue();
        assertThat(policy.ticketRequired()).isTrue();
        assertThat(policy.approval())
                .isEqualTo(new ApprovalRule(
                        true,
                        true,
                        "SingleStage",
                        List.of(new ApprovalStage(
                                Duration.ofDays(1),
                                true,
                                true,
                                Duration.ofHours(12),
                                List.of(Approver.user(APPROVER_ID)),
                                List.of(Approver.user(ADMIN_ID))))));
        // roles that ask no approval say so, whatever their (unused) stages hold
        assertThat(client.activationPolicy(USER_ADMINISTRATOR_ROLE_ID).approval())
                .isEqualTo(ApprovalRule.none());
    }

    @Test
    void serialStagesWithEscalation_andGroupApprovers_areReadInOrder() {
        String group = createGroup("Auth approvers", BOB_ID);
        setApproval(
                USER_ADMINISTRATOR_ROLE_ID,
                true,
                false,
                "Serial",
                stage(2, false, true, 90, user(APPROVER_ID), groupMembers(group)),
                stage(1, true, false, 0, "", ""));
        ApprovalRule rule = client.activationPolicy(USER_ADMINISTRATOR_ROLE_ID).approval();
        assertThat(rule.required()).isTrue();
        assertThat(rule.requiredForExtension()).isFalse();
        assertThat(rule.mode()).isEqualTo("Serial");
        assertThat(rule.stages())
                .containsExactly(
                        new ApprovalStage(
                                Duration.ofDays(2),
                                false,
                                true,
                                Duration.ofMinutes(90),
                                List.of(Approver.user(APPROVER_ID)),
                                List.of(Approver.group(group))),
                        new ApprovalStage(Duration.ofDays(1), true, false, Duration.ZERO, List.of(), List.of()));
    }

    @Test
    void parallelStagesAreKeptAsGiven_aSingleStageIsItsFirst() {
        setApproval(
                USER_ADMINISTRATOR_ROLE_ID,
                true,
                true,
                "Parallel",
                stage(1, true, false, 0, user(APPROVER_ID), ""),
                stage(3, true, false, 0, user(BOB_ID), ""));
        assertThat(client.activationPolicy(USER_ADMINISTRATOR_ROLE_ID)
                        .approval()
                        .stages())
                .extracting(ApprovalStage::timeout)
                .containsExactly(Duration.ofDays(1), Duration.ofDays(3));

        setApproval(
                USER_ADMINISTRATOR_ROLE_ID,
                true,
                false,
                "SingleStage",
                stage(1, true, false, 0, user(APPROVER_ID), ""),
                stage(3, true, false, 0, user(BOB_ID), ""));
        assertThat(client.activationPolicy(USER_ADMINISTRATOR_ROLE_ID)
                        .approval()
                        .stages())
                .singleElement()
                .satisfies(s -> assertThat(s.primaryApprovers()).containsExactly(Approver.user(APPROVER_ID)));
    }

    @Test
    void aRequiredApprovalWithoutStages_isAnIncident() {
        setApproval(USER_ADMINISTRATOR_ROLE_ID, true, false, "SingleStage");
        PimException e =
                catchThrowableOfType(PimException.class, () -> client.activationPolicy(USER_ADMINISTRATOR_ROLE_ID));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.INCIDENT);
        assertThat(e.code()).isEqualTo("PolicyRuleMissing");
        assertThat(e.getMessage()).contains(USER_ADMINISTRATOR_ROLE_ID).contains("names no approval stage");
    }

    @Test
    void anApproverPimflowCannotAsk_isAnIncidentNamingIt_neverDropped() {
        setApproval(
                USER_ADMINISTRATOR_ROLE_ID,
                true,
                false,
                "SingleStage",
                stage(
                        1,
                        true,
                        false,
                        0,
                        user(APPROVER_ID)
                                + ",{\"@odata.type\":\"#microsoft.graph.requestorManager\",\"managerLevel\":1}",
                        ""));
        PimException e =
                catchThrowableOfType(PimException.class, () -> client.activationPolicy(USER_ADMINISTRATOR_ROLE_ID));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.INCIDENT);
        assertThat(e.code()).isEqualTo("UnsupportedApprover");
        assertThat(e.getMessage()).contains("#microsoft.graph.requestorManager").contains("primaryApprovers");

        // the same among escalation approvers
        setApproval(
                USER_ADMINISTRATOR_ROLE_ID,
                true,
                false,
                "SingleStage",
                "{\"approvalStageTimeOutInDays\":1,\"isApproverJustificationRequired\":true,\"isEscalationEnabled\":true,"
                        + "\"escalationTimeInMinutes\":60,\"primaryApprovers\":[" + user(APPROVER_ID)
                        + "],\"escalationApprovers\":[{\"@odata.type\":\"#microsoft.graph.connectedOrganizationMembers\","
                        + "\"connectedOrganizationId\":\"x\"}]}");
        PimException escalation =
                catchThrowableOfType(PimException.class, () -> client.activationPolicy(USER_ADMINISTRATOR_ROLE_ID));
        assertThat(escalation.code()).isEqualTo("UnsupportedApprover");
        assertThat(escalation.getMessage())
                .contains("#microsoft.graph.connectedOrganizationMembers")
                .contains("escalationApprovers");
    }

    @Test
    void aSingleUserIsItsId_askedOfNoOne() {
        simulator.resetRequests();
        assertThat(client.approverUserIds(List.of(Approver.user(APPROVER_ID.toUpperCase(Locale.ROOT)))))
                .containsExactly(APPROVER_ID);
        assertThat(simulator.requests()).isEmpty();
    }

    @Test
    void aGroupIsItsTransitiveUserMembers_pagedThrough() {
        String inner = createGroup("Inner approvers", BOB_ID);
        String outer = createGroup("Outer approvers", APPROVER_ID, "groups/" + inner);
        assertThat(client.approverUserIds(List.of(Approver.group(outer), Approver.user(APPROVER_ID))))
                .containsExactlyInAnyOrder(APPROVER_ID, BOB_ID);
        // the helpdesk group, read a page of one at a time
        try (GraphSimulator paged = GraphSimulator.start(0, java.time.Clock.systemUTC(), 1)) {
            GraphPimClient pagedClient =
                    new GraphPimClient(GraphPimClientTest.settings(paged), new SimulatorTokenCredential());
            assertThat(pagedClient.approverUserIds(List.of(Approver.group(HELPDESK_GROUP_ID))))
                    .containsExactlyInAnyOrder(ADMIN_ID, ALINE_ID);
            assertThat(paged.requests())
                    .containsEntry("GET /groups/{id}/transitiveMembers/microsoft.graph.user?$select", 1L)
                    .containsEntry("GET /groups/{id}/transitiveMembers/microsoft.graph.user?$select&$skiptoken", 1L);
        }
    }

    @Test
    void anUnknownApproverGroup_isAnIncidentNamingIt() {
        String gone = "00000000-0000-0000-0000-0000000000ab";
        PimException e =
                catchThrowableOfType(PimException.class, () -> client.approverUserIds(List.of(Approver.group(gone))));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.INCIDENT);
        assertThat(e.code()).isEqualTo("ApproverNotFound");
        assertThat(e.getMessage()).contains(gone);
    }

    @Test
    void noApprovers_areTheActivePrivilegedRoleAndGlobalAdministrators_groupsExpanded() {
        // the seed: the admin holds Global Administrator; nobody Privileged Role Administrator
        assertThat(client.approverUserIds(List.of())).containsExactly(ADMIN_ID);

        // a role-assignable group holding Privileged Role Administrator (its members decide), Nora tenant-wide,
        // Bob only in an administrative unit (he does not decide for the tenant)
        String group = http.post(
                        "/groups",
                        admin,
                        "{\"displayName\":\"Role admins\",\"mailEnabled\":false,\"mailNickname\":\"roleAdmins\","
                                + "\"securityEnabled\":true,\"isAssignableToRole\":true,\"members@odata.bind\":["
                                + "\"https://graph.microsoft.com/v1.0/users/" + ALINE_ID + "\"]}")
                .body()
                .get("id")
                .asText();
        adminAssign(group, PRIVILEGED_ROLE_ADMINISTRATOR, "/");
        adminAssign(APPROVER_ID, PRIVILEGED_ROLE_ADMINISTRATOR, "/");
        adminAssign(BOB_ID, PRIVILEGED_ROLE_ADMINISTRATOR, "/administrativeUnits/eu");

        simulator.resetRequests();
        assertThat(client.approverUserIds(List.of())).containsExactlyInAnyOrder(ADMIN_ID, ALINE_ID, APPROVER_ID);
        assertThat(simulator.requests())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "GET /roleManagement/directory/roleAssignmentScheduleInstances?$expand&$filter", 2L,
                        "GET /groups/{id}/transitiveMembers/microsoft.graph.user?$select", 1L));
    }

    // ------------------------------------------------------------------ helpers

    private static void adminAssign(String principal, String role, String scope) {
        String body = "{\"action\":\"adminAssign\",\"principalId\":\"" + principal + "\",\"roleDefinitionId\":\"" + role
                + "\",\"directoryScopeId\":\"" + scope + "\",\"justification\":\"standing\",\"scheduleInfo\":{"
                + "\"startDateTime\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "\",\"expiration\":{\"type\":\"afterDuration\",\"duration\":\"P30D\"}}}";
        GraphHttp.Response r = http.post(RM + "roleAssignmentScheduleRequests", admin, body);
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(201);
    }

    /** A security group (not role-assignable, so it may hold groups) with these members ("groups/{id}" for a group). */
    private static String createGroup(String name, String... members) {
        StringBuilder binds = new StringBuilder();
        for (String m : members) {
            binds.append(binds.isEmpty() ? "" : ",")
                    .append("\"https://graph.microsoft.com/v1.0/")
                    .append(m.startsWith("groups/") ? m : "users/" + m)
                    .append('"');
        }
        GraphHttp.Response r = http.post(
                "/groups",
                admin,
                "{\"displayName\":\"" + name + "\",\"mailEnabled\":false,\"mailNickname\":\"" + name.replace(" ", "")
                        + "\",\"securityEnabled\":true,\"members@odata.bind\":[" + binds + "]}");
        assertThat(r.status()).isEqualTo(201);
        return r.body().get("id").asText();
    }

    private static String user(String id) {
        return "{\"@odata.type\":\"#microsoft.graph.singleUser\",\"isBackup\":false,\"userId\":\"" + id + "\"}";
    }

    private static String groupMembers(String id) {
        return "{\"@odata.type\":\"#microsoft.graph.groupMembers\",\"isBackup\":false,\"groupId\":\"" + id + "\"}";
    }

    /** One stage, its approvers as JSON subject sets joined by commas ("" for none). */
    private static String stage(
            int days,
            boolean justification,
            boolean escalation,
            int escalationMinutes,
            String primary,
            String escalate) {
        return "{\"approvalStageTimeOutInDays\":" + days + ",\"isApproverJustificationRequired\":" + justification
                + ",\"escalationTimeInMinutes\":" + escalationMinutes + ",\"isEscalationEnabled\":" + escalation
                + ",\"primaryApprovers\":[" + primary + "],\"escalationApprovers\":[" + escalate + "]}";
    }

    /** PATCHes the role's Approval_EndUser_Assignment rule as the tenant's administrator (spec 5.1). */
    private static void setApproval(
            String role, boolean required, boolean forExtension, String mode, String... stages) {
        String policyId = http.get(
                        "/policies/roleManagementPolicyAssignments?$filter="
                                + GraphHttp.q(
                                        "scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '"
                                                + role + "'"),
                        admin)
                .body()
                .at("/value/0/policyId")
                .asText();
        String body = "{\"@odata.type\":\"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule\","
                + "\"id\":\"Approval_EndUser_Assignment\",\"setting\":{\"isApprovalRequired\":" + required
                + ",\"isApprovalRequiredForExtension\":" + forExtension + ",\"approvalMode\":\"" + mode
                + "\",\"approvalStages\":[" + String.join(",", stages) + "]}}";
        GraphHttp.Response patched = http.patch(
                "/policies/roleManagementPolicies/" + policyId + "/rules/Approval_EndUser_Assignment", admin, body);
        assertThat(patched.status()).isEqualTo(204);
    }
}
