package dev.pimflow.pim.contract;

import static dev.pimflow.pim.contract.ContractHttp.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.contract.ContractHttp.Response;
import dev.pimflow.pim.contract.JsonShape.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract of Graph's PIM wire format, as {@code reference/graph-pim-spec.md} quotes it: every assertion compares
 * a live response with a fixture under {@code src/test/resources/graph-spec-fixtures/} (the spec's own quoted
 * responses, named after their section). Compared: the HTTP status, the <em>shape</em> of the body (property names
 * at every level and JSON types, {@link JsonShape}), the {@code @odata.context} after {@code $metadata#}, and the
 * enum casing the spec gives (camelCase {@code action} and {@code expiration.type}, PascalCase {@code status},
 * {@code assignmentType}, {@code memberType}). Values such as ids and timestamps may differ.
 *
 * <p>The suite only needs a base URL and tokens ({@link #baseUrl()}, {@link #token(Actor)}), so the same assertions
 * run against the Graph simulator ({@link GraphSimulatorContractTest}) and against a real tenant
 * ({@link LiveTenantContractTest}). Every test creates what it needs (a role-assignable group and its
 * eligibility, an activation, an active assignment) and removes it afterwards, best effort.
 *
 * <p>Where the spec tags real Graph behaviour as unverified (G/T), the suite follows the spec's stated choice and
 * says so on the test: app-only {@code selfActivate} (400 {@code MfaRule}), {@code adminRemove} of something that does
 * not exist ({@code RoleAssignmentDoesNotExist}), {@code ActiveDurationTooShort} as 400.
 */
public abstract class GraphPimContract {

    /** Who calls. */
    protected enum Actor {
        /** A Privileged Role Administrator (or Global Administrator), delegated, signed in with MFA. */
        ADMIN,
        /** The test user (the tutorial's Aline), delegated, signed in with MFA. */
        USER,
        /** The orchestrator's app registration, app-only, with {@code RoleAssignmentSchedule.ReadWrite.Directory}. */
        APP
    }

    /**
     * The tenant's principals and the role the suite works with.
     *
     * @param adminId object id of the {@link Actor#ADMIN} user
     * @param userId object id of the {@link Actor#USER}: no active assignment of {@code roleDefinitionId}, not otherwise
     *     eligible needed (the suite makes a group of its own eligible)
     * @param assigneeId a user the app gives a time-bound active assignment of {@code roleDefinitionId} and takes it back
     * @param roleDefinitionId a role whose activation the policy allows for up to at least 5 hours with MFA,
     *     justification and ticket (the tutorial's User Administrator)
     */
    protected record Tenant(String adminId, String userId, String assigneeId, String roleDefinitionId) {}

    protected static final String RM = "/roleManagement/directory/";
    protected static final String ASSIGNMENT_REQUESTS = RM + "roleAssignmentScheduleRequests";
    protected static final String ELIGIBILITY_REQUESTS = RM + "roleEligibilityScheduleRequests";

    /** spec 2.3: the values of {@code status}, PascalCase. */
    private static final Set<String> STATUSES = Set.of(
            "Canceled",
            "Denied",
            "Failed",
            "Granted",
            "PendingAdminDecision",
            "PendingApproval",
            "PendingProvisioning",
            "PendingScheduleCreation",
            "Provisioned",
            "Revoked",
            "ScheduleCreated");

    /** spec 5.3: the 17 rule ids of every directory role's policy. */
    private static final Set<String> RULE_IDS = Set.of(
            "Expiration_Admin_Eligibility",
            "Enablement_Admin_Eligibility",
            "Expiration_Admin_Assignment",
            "Enablement_Admin_Assignment",
            "Expiration_EndUser_Assignment",
            "Enablement_EndUser_Assignment",
            "Approval_EndUser_Assignment",
            "AuthenticationContext_EndUser_Assignment",
            "Notification_Admin_Admin_Eligibility",
            "Notification_Requestor_Admin_Eligibility",
            "Notification_Approver_Admin_Eligibility",
            "Notification_Admin_Admin_Assignment",
            "Notification_Requestor_Admin_Assignment",
            "Notification_Approver_Admin_Assignment",
            "Notification_Admin_EndUser_Assignment",
            "Notification_Requestor_EndUser_Assignment",
            "Notification_Approver_EndUser_Assignment");

    private static final String TICKET_NUMBER = "CONTOSO:Security-012345";
    private static final String TICKET_SYSTEM = "Contoso ICM";
    private static final Map<String, JsonNode> FIXTURES = new ConcurrentHashMap<>();

    private final Deque<Runnable> cleanups = new ArrayDeque<>();
    private ContractHttp http;

    // ------------------------------------------------------------------ what a concrete suite provides

    /** The Graph base URL, e.g. {@code https://graph.microsoft.com/v1.0}. */
    protected abstract String baseUrl();

    /** A bearer token for the actor (never logged by the suite). */
    protected abstract String token(Actor actor);

    protected abstract Tenant tenant();

    /**
     * Arms the target's fault switch so that the next call whose path contains {@code pathContains} is answered
     * {@code 429}, with {@code Retry-After} when {@code retryAfterSeconds} is not null. Returns false when the target
     * cannot be made to throttle (a real tenant): the throttling contracts are then skipped.
     */
    protected boolean armThrottling(Double retryAfterSeconds, String pathContains) {
        return false;
    }

    /** Called before each test (the simulator goes back to its seed here). */
    protected void beforeEachContract() {}

    // ------------------------------------------------------------------ lifecycle

    @BeforeEach
    final void setUpContract() {
        http = new ContractHttp(baseUrl());
        beforeEachContract();
    }

    @AfterEach
    final void cleanUp() {
        while (!cleanups.isEmpty()) {
            try {
                cleanups.pop().run();
            } catch (RuntimeException e) {
                System.err.println("contract clean-up failed (continuing): " + e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ the tutorial's steps

    @Test
    @DisplayName(
            "step 1: POST /groups creates a role-assignable group: 201 (the tutorial prints 200), 7.1's shape; DELETE is 204")
    void createAndDeleteRoleAssignableGroup() {
        Response created = send(Actor.ADMIN, "POST", "/groups", groupBody());
        expectStatus(created, 201);
        String id = created.body().path("id").asText();
        cleanups.push(() -> send(Actor.ADMIN, "DELETE", "/groups/" + id, null));
        assertShape(
                "7.1-group-created.json", created.body(), Keys.AT_LEAST); // 7.1 is abridged: at least its properties
        assertContext(created.body(), "7.1-group-created.json");
        assertThat(created.body().get("isAssignableToRole").asBoolean()).isTrue();
        assertThat(created.body().get("securityEnabled").asBoolean()).isTrue();
        assertThat(created.body().get("groupTypes")).isEmpty();

        Response deleted = send(Actor.ADMIN, "DELETE", "/groups/" + id, null);
        expectStatus(deleted, 204);
        assertThat(deleted.body()).as("204 has no body").isNull();
        expectStatus(send(Actor.ADMIN, "GET", "/groups/" + id, null), 404);
    }

    @Test
    @DisplayName(
            "step 2: eligibility adminAssign (sent as \"AdminAssign\"/\"AfterDateTime\"): 201, 3's shape, camelCase enums")
    void eligibilityAdminAssign() {
        String group = createGroup();
        Response r = send(Actor.ADMIN, "POST", ELIGIBILITY_REQUESTS, eligibilityAssignBody(group));
        expectStatus(r, 201);
        cleanups.push(() -> send(Actor.ADMIN, "POST", ELIGIBILITY_REQUESTS, removeBody("AdminRemove", group)));
        JsonNode b = r.body();
        assertShape("3-eligibility-adminAssign.json", b, Keys.EXACT);
        assertContext(b, "3-eligibility-adminAssign.json");
        assertThat(b.get("action").asText()).isEqualTo("adminAssign");
        assertStatus(b, "Provisioned");
        assertThat(b.at("/scheduleInfo/expiration/type").asText()).isEqualTo("afterDateTime");
        assertThat(b.at("/scheduleInfo/expiration/duration").isNull()).isTrue();
        assertThat(b.get("targetScheduleId").asText()).isEqualTo(b.get("id").asText());
        assertThat(b.get("principalId").asText()).isEqualToIgnoringCase(group);
        assertTimestamp(b, "createdDateTime");
        assertTimestamp(b.get("scheduleInfo"), "startDateTime");
    }

    @Test
    @DisplayName("step 3: roleAssignments of a user with no active role: 200 and 4.5's empty collection")
    void roleAssignmentsEmpty() {
        Response r = send(
                Actor.ADMIN,
                "GET",
                RM + "roleAssignments?$filter=" + q("principalId eq '" + tenant().userId() + "'"),
                null);
        expectStatus(r, 200);
        assertShape("4.5-roleAssignments-empty.json", r.body(), Keys.EXACT);
        assertContext(r.body(), "4.5-roleAssignments-empty.json");
        assertThat(r.body().get("value")).isEmpty();
    }

    @Test
    @DisplayName(
            "step 4: delegated selfActivate with MFA (sent as \"SelfActivate\"/\"AfterDuration\"): 201 (the tutorial prints 200), 2.2's shape")
    void selfActivateDelegatedWithMfa() {
        makeUserEligible();
        Response r = send(Actor.USER, "POST", ASSIGNMENT_REQUESTS, selfActivateBody("PT5H"));
        expectStatus(r, 201);
        cleanups.push(this::removeUsersActivation);
        JsonNode b = r.body();
        assertShape("2.2-assignment-request-created.json", b, Keys.EXACT);
        assertContext(b, "2.2-assignment-request-created.json");
        assertThat(b.get("action").asText()).isEqualTo("selfActivate");
        assertStatus(b, "Provisioned", "Granted");
        assertThat(b.at("/scheduleInfo/expiration/type").asText()).isEqualTo("afterDuration");
        assertThat(b.at("/scheduleInfo/expiration/duration").asText()).isEqualTo("PT5H");
        assertThat(b.at("/scheduleInfo/expiration/endDateTime").isNull()).isTrue();
        assertThat(b.at("/scheduleInfo/recurrence").isNull()).isTrue();
        assertThat(b.at("/ticketInfo/ticketNumber").asText()).isEqualTo(TICKET_NUMBER);
        assertThat(b.at("/ticketInfo/ticketSystem").asText()).isEqualTo(TICKET_SYSTEM);
        assertThat(b.at("/createdBy/user/id").asText()).isEqualToIgnoringCase(tenant().userId());
        assertThat(b.get("targetScheduleId").asText()).isEqualTo(b.get("id").asText());
        assertThat(b.get("isValidationOnly").asBoolean()).isFalse();
    }

    @Test
    @DisplayName(
            "step 4, app-only: selfActivate is 400 RoleAssignmentRequestPolicyValidationFailed [\"MfaRule\"] (spec 9: the simulator's choice; unverified on Graph)")
    void selfActivateAppOnlyFailsMfaRule() {
        Response r = send(Actor.APP, "POST", ASSIGNMENT_REQUESTS, selfActivateBody("PT5H"));
        expectError(r, "6-error-MfaRule.json");
        assertThat(r.body().at("/error/message").asText()).contains("MfaRule");
    }

    @Test
    @DisplayName(
            "step 5: filterByCurrentUser(on='principal'): 200, 4.1's collection of 2.2 items; with $expand=roleDefinition")
    void filterByCurrentUserShowsTheActivation() {
        String requestId = activate();
        Response r = send(Actor.USER, "GET", ASSIGNMENT_REQUESTS + "/filterByCurrentUser(on='principal')", null);
        expectStatus(r, 200);
        assertShape("4.1-filterByCurrentUser-assignment-requests.json", r.body(), Keys.EXACT);
        assertContext(r.body(), "4.1-filterByCurrentUser-assignment-requests.json");
        assertThat(r.body().get("value").findValuesAsText("id")).contains(requestId);
        for (JsonNode item : r.body().get("value")) {
            assertThat(item.has("@odata.type"))
                    .as("4.1: no per-item @odata.type")
                    .isFalse();
            assertEnums(item);
        }

        Response expanded = send(
                Actor.USER,
                "GET",
                ASSIGNMENT_REQUESTS + "/filterByCurrentUser(on='principal')?$expand=roleDefinition",
                null);
        expectStatus(expanded, 200);
        assertThat(contextOf(expanded.body())).startsWith("roleManagement/directory/roleAssignmentScheduleRequests");
        JsonNode mine = find(expanded.body().get("value"), "id", requestId);
        assertThat(mine.at("/roleDefinition/id").asText()).isEqualToIgnoringCase(tenant().roleDefinitionId());
        assertThat(mine.at("/roleDefinition/displayName").asText()).isNotBlank();
    }

    @Test
    @DisplayName("step 5: roleAssignments lists the activated role: 200, 4.5's shape")
    void roleAssignmentsListTheActivation() {
        activate();
        Response r = send(
                Actor.ADMIN,
                "GET",
                RM + "roleAssignments?$filter=" + q("principalId eq '" + tenant().userId() + "'"),
                null);
        expectStatus(r, 200);
        assertShape("4.5-roleAssignments.json", r.body(), Keys.EXACT);
        assertContext(r.body(), "4.5-roleAssignments.json");
        assertThat(r.body().get("value").findValuesAsText("roleDefinitionId"))
                .anyMatch(tenant().roleDefinitionId()::equalsIgnoreCase);
    }

    @Test
    @DisplayName(
            "step 6: eligibility adminRemove (sent as \"AdminRemove\", no schedule): 201 Revoked, 3's adminRemove shape")
    void eligibilityAdminRemove() {
        String group = createGroup();
        expectStatus(send(Actor.ADMIN, "POST", ELIGIBILITY_REQUESTS, eligibilityAssignBody(group)), 201);
        Response r = send(Actor.ADMIN, "POST", ELIGIBILITY_REQUESTS, removeBody("AdminRemove", group));
        expectStatus(r, 201);
        JsonNode b = r.body();
        assertShape("3-eligibility-adminRemove.json", b, Keys.EXACT);
        assertContext(b, "3-eligibility-adminRemove.json");
        assertThat(b.get("action").asText()).isEqualTo("adminRemove");
        assertStatus(b, "Revoked");
        assertThat(b.get("targetScheduleId").isNull()).isTrue();
        assertThat(b.get("scheduleInfo").isNull()).isTrue();
        assertThat(b.get("completedDateTime").isNull()).isTrue();
        assertThat(b.at("/ticketInfo").isObject())
                .as("ticketInfo is always an object")
                .isTrue();
    }

    // ------------------------------------------------------------------ reads

    @Test
    @DisplayName("roleEligibilityScheduleInstances: 200, items of 4.4's shape")
    void roleEligibilityScheduleInstances() {
        String group = createGroup();
        expectStatus(send(Actor.ADMIN, "POST", ELIGIBILITY_REQUESTS, eligibilityAssignBody(group)), 201);
        cleanups.push(() -> send(Actor.ADMIN, "POST", ELIGIBILITY_REQUESTS, removeBody("AdminRemove", group)));
        Response r = send(
                Actor.APP,
                "GET",
                RM + "roleEligibilityScheduleInstances?$filter=" + q("principalId eq '" + group + "'"),
                null);
        expectStatus(r, 200);
        assertThat(contextOf(r.body())).isEqualTo("roleManagement/directory/roleEligibilityScheduleInstances");
        assertThat(r.body().get("value")).isNotEmpty();
        for (JsonNode item : r.body().get("value")) {
            assertShape("4.4-roleEligibilityScheduleInstances-item.json", item, Keys.EXACT);
            assertPascalCase(item, "memberType");
        }
        JsonNode instance = find(r.body().get("value"), "roleDefinitionId", tenant().roleDefinitionId());
        assertTimestamp(instance, "startDateTime");
        assertTimestamp(instance, "endDateTime");
    }

    @Test
    @DisplayName(
            "roleAssignmentScheduleInstances and roleAssignmentSchedules of an activation: 200, items of 4.3's and 4.2's shapes, assignmentType Activated")
    void roleAssignmentScheduleInstancesOfAnActivation() {
        activate();
        String filter = "?$filter=" + q("principalId eq '" + tenant().userId() + "'");
        Response r = send(Actor.APP, "GET", RM + "roleAssignmentScheduleInstances" + filter, null);
        expectStatus(r, 200);
        assertThat(contextOf(r.body())).isEqualTo("roleManagement/directory/roleAssignmentScheduleInstances");
        for (JsonNode item : r.body().get("value")) {
            assertShape("4.3-roleAssignmentScheduleInstances-item.json", item, Keys.EXACT);
            assertPascalCase(item, "assignmentType");
            assertPascalCase(item, "memberType");
        }
        JsonNode instance = find(r.body().get("value"), "roleDefinitionId", tenant().roleDefinitionId());
        assertThat(instance.get("assignmentType").asText()).isEqualTo("Activated");
        assertTimestamp(instance, "startDateTime");
        assertTimestamp(instance, "endDateTime");

        Response schedules = send(Actor.APP, "GET", RM + "roleAssignmentSchedules" + filter, null);
        expectStatus(schedules, 200);
        assertThat(contextOf(schedules.body())).isEqualTo("roleManagement/directory/roleAssignmentSchedules");
        for (JsonNode item : schedules.body().get("value")) {
            assertShape("4.2-roleAssignmentSchedules-item.json", item, Keys.EXACT);
            assertStatus(item, "Provisioned", "Granted");
        }
        JsonNode schedule = find(schedules.body().get("value"), "roleDefinitionId", tenant().roleDefinitionId());
        assertThat(schedule.at("/scheduleInfo/expiration/type").asText()).isEqualTo("afterDuration");
    }

    // ------------------------------------------------------------------ pimflow's own calls: adminAssign / adminRemove

    @Test
    @DisplayName(
            "app-only adminAssign afterDuration with justification and ticketInfo: 201 Provisioned, 2.2's shape; instance assignmentType Assigned")
    void adminAssignAfterDurationWithTicketInfo() {
        Response r = adminAssign(null);
        JsonNode b = r.body();
        assertShape("2.2-assignment-request-created.json", b, Keys.EXACT);
        assertContext(b, "2.2-assignment-request-created.json");
        assertThat(b.get("action").asText()).isEqualTo("adminAssign");
        assertStatus(b, "Provisioned");
        assertThat(b.at("/scheduleInfo/expiration/type").asText()).isEqualTo("afterDuration");
        assertThat(b.at("/scheduleInfo/expiration/duration").asText()).isEqualTo("PT5H");
        assertThat(b.at("/scheduleInfo/expiration/endDateTime").isNull()).isTrue();
        assertThat(b.at("/ticketInfo/ticketNumber").asText()).isEqualTo(TICKET_NUMBER);
        assertThat(b.at("/ticketInfo/ticketSystem").asText()).isEqualTo(TICKET_SYSTEM);
        assertThat(b.get("justification").asText()).startsWith("pimflow contract");
        assertThat(b.get("targetScheduleId").asText()).isEqualTo(b.get("id").asText());

        Response instances = send(
                Actor.APP,
                "GET",
                RM + "roleAssignmentScheduleInstances?$filter=" + q("principalId eq '" + tenant().assigneeId() + "'"),
                null);
        expectStatus(instances, 200);
        JsonNode instance = find(instances.body().get("value"), "roleDefinitionId", tenant().roleDefinitionId());
        assertShape("4.3-roleAssignmentScheduleInstances-item.json", instance, Keys.EXACT);
        assertThat(instance.get("assignmentType").asText()).isEqualTo("Assigned");
    }

    @Test
    @DisplayName(
            "app-only adminRemove of an active assignment: 201 Revoked, targetScheduleId null; the role is gone from roleAssignments")
    void adminRemove() {
        adminAssign(null);
        Response r = send(Actor.APP, "POST", ASSIGNMENT_REQUESTS, removeBody("adminRemove", tenant().assigneeId()));
        expectStatus(r, 201);
        JsonNode b = r.body();
        assertShape("2.2-assignment-request-created.json", b, Keys.EXACT);
        assertContext(b, "2.2-assignment-request-created.json");
        assertThat(b.get("action").asText()).isEqualTo("adminRemove");
        assertStatus(b, "Revoked");
        assertThat(b.get("targetScheduleId").isNull()).isTrue();
        assertThat(b.get("completedDateTime").isNull()).isTrue();

        Response after = send(
                Actor.APP,
                "GET",
                RM + "roleAssignments?$filter=" + q("principalId eq '" + tenant().assigneeId() + "'"),
                null);
        expectStatus(after, 200);
        assertThat(after.body().get("value").findValuesAsText("roleDefinitionId"))
                .noneMatch(tenant().roleDefinitionId()::equalsIgnoreCase);
    }

    @Test
    @DisplayName(
            "app-only adminExtend (afterDuration PT3H): 201 Provisioned, 2.2's shape, targetScheduleId is the request's own id")
    void adminExtend() {
        adminAssign(null);
        Response r = send(Actor.APP, "POST", ASSIGNMENT_REQUESTS, adminScheduleBody("adminExtend", null, "PT3H"));
        expectStatus(r, 201);
        JsonNode b = r.body();
        assertShape("2.2-assignment-request-created.json", b, Keys.EXACT);
        assertThat(b.get("action").asText()).isEqualTo("adminExtend");
        assertStatus(b, "Provisioned");
        assertThat(b.at("/scheduleInfo/expiration/duration").asText()).isEqualTo("PT3H");
        assertThat(b.get("targetScheduleId").asText())
                .as("2.2: targetScheduleId = id for assign, activate and extend")
                .isEqualTo(b.get("id").asText());
    }

    @Test
    @DisplayName("a second identical adminAssign: 400 RoleAssignmentExists, 6's envelope")
    void roleAssignmentExists() {
        adminAssign(null);
        Response again = send(Actor.APP, "POST", ASSIGNMENT_REQUESTS, adminAssignBody(null));
        expectError(again, "6-error-RoleAssignmentExists.json");
    }

    @Test
    @DisplayName("adminRemove of an assignment that does not exist: 400 RoleAssignmentDoesNotExist, 6's envelope")
    void roleAssignmentDoesNotExist() {
        Response r = send(Actor.APP, "POST", ASSIGNMENT_REQUESTS, removeBody("adminRemove", tenant().assigneeId()));
        expectError(r, "6-error-RoleAssignmentDoesNotExist.json");
    }

    @Test
    @DisplayName(
            "selfDeactivate right after activating: 400 ActiveDurationTooShort; activating again: 400 RoleAssignmentExists")
    void activeDurationTooShort() {
        activate();
        Response r = send(Actor.USER, "POST", ASSIGNMENT_REQUESTS, removeBody("selfDeactivate", tenant().userId()));
        expectError(r, "6-error-ActiveDurationTooShort.json");
        Response twice = send(Actor.USER, "POST", ASSIGNMENT_REQUESTS, selfActivateBody("PT5H"));
        expectError(twice, "6-error-RoleAssignmentExists.json");
    }

    @Test
    @DisplayName("cancel of a Granted (future) request: 204; the request reads back Canceled")
    void cancelGrantedRequest() {
        Instant start = Instant.now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        Response r = adminAssign(start);
        assertStatus(r.body(), "Granted");
        assertThat(OffsetDateTime.parse(r.body().get("completedDateTime").asText())
                        .toInstant())
                .as("2.3: Granted completes at its start")
                .isEqualTo(start);
        String id = r.body().get("id").asText();
        Response canceled = send(Actor.APP, "POST", ASSIGNMENT_REQUESTS + "/" + id + "/cancel", null);
        expectStatus(canceled, 204);
        assertThat(canceled.body()).isNull();
        Response read = send(Actor.APP, "GET", ASSIGNMENT_REQUESTS + "/" + id, null);
        expectStatus(read, 200);
        assertShape("2.2-assignment-request-created.json", read.body(), Keys.EXACT);
        assertContext(read.body(), "2.2-assignment-request-created.json");
        assertStatus(read.body(), "Canceled");
    }

    // ------------------------------------------------------------------ policies

    @Test
    @DisplayName("policy assignment with $expand=policy($expand=rules): 200, 5.2's shape, the 17 rules of 5.3")
    void policyAssignmentWithRules() {
        Response r = policyAssignment();
        expectStatus(r, 200);
        assertShape("5.2-policy-assignment.json", r.body(), Keys.EXACT);
        assertContext(r.body(), "5.2-policy-assignment.json");
        assertThat(r.body().get("value")).hasSize(1);
        JsonNode assignment = r.body().at("/value/0");
        String role = tenant().roleDefinitionId();
        assertThat(assignment.get("id").asText()).startsWith("DirectoryRole_").endsWith("_" + role);
        assertThat(assignment.get("id").asText())
                .startsWith(assignment.get("policyId").asText() + "_");
        assertThat(assignment.get("scopeType").asText()).isEqualTo("DirectoryRole");
        JsonNode rules = assignment.at("/policy/rules");
        Set<String> ids = new HashSet<>(rules.findValuesAsText("id"));
        assertThat(rules).hasSize(17);
        assertThat(ids).isEqualTo(RULE_IDS);
        for (JsonNode rule : rules) {
            JsonNode target = rule.get("target");
            assertThat(target.get("caller").asText()).isIn("None", "Admin", "EndUser");
            assertThat(target.get("level").asText()).isIn("Eligibility", "Assignment");
            assertThat(target.get("operations"))
                    .allSatisfy(o -> assertThat(o.asText())
                            .as("5.1: operations in lower case")
                            .isEqualTo(o.asText().toLowerCase()));
        }
    }

    @Test
    @DisplayName(
            "PATCH a rule (Expiration_EndUser_Assignment to PT1H45M): 204; then a PT2H activation is 400 [\"ExpirationRule\"]")
    void patchedRuleApplies() {
        Response assignment = policyAssignment();
        expectStatus(assignment, 200);
        String policyId = assignment.body().at("/value/0/policyId").asText();
        String rulePath = "/policies/roleManagementPolicies/" + policyId + "/rules/Expiration_EndUser_Assignment";
        Response original = send(Actor.ADMIN, "GET", rulePath, null);
        expectStatus(original, 200);
        assertShape(expirationRuleOfFixture(), withoutContext(original.body()), Keys.EXACT);

        Response patched = send(Actor.ADMIN, "PATCH", rulePath, expirationRulePatch(true, "PT1H45M"));
        cleanups.push(() -> send(
                Actor.ADMIN,
                "PATCH",
                rulePath,
                expirationRulePatch(
                        original.body().get("isExpirationRequired").asBoolean(),
                        original.body().get("maximumDuration").asText())));
        expectStatus(patched, 204);
        assertThat(patched.body()).isNull();
        Response reread = send(Actor.ADMIN, "GET", rulePath, null);
        expectStatus(reread, 200);
        assertThat(reread.body().get("maximumDuration").asText()).isEqualTo("PT1H45M");
        assertThat(reread.body().at("/target/operations/0").asText())
                .as("5.1: sent \"All\", read back \"all\"")
                .isEqualTo("all");

        makeUserEligible();
        Response tooLong = send(Actor.USER, "POST", ASSIGNMENT_REQUESTS, selfActivateBody("PT2H"));
        if (tooLong.status() == 201) {
            cleanups.push(this::removeUsersActivation);
        }
        expectError(tooLong, "6-error-ExpirationRule.json");
        assertThat(tooLong.body().at("/error/message").asText()).contains("ExpirationRule");
    }

    @Test
    @DisplayName("headers (spec 1): request-id, client-request-id echoing the caller's, Date, a JSON Content-Type")
    void responseHeaders() {
        ContractHttp.Response r = http.send(
                "GET",
                RM + "roleAssignments?$filter=" + q("principalId eq '" + tenant().userId() + "'"),
                token(Actor.ADMIN),
                null,
                "pimflow-contract-0001");
        expectStatus(r, 200);
        assertThat(r.header("request-id")).isNotBlank();
        assertThat(r.header("client-request-id")).isEqualTo("pimflow-contract-0001");
        assertThat(r.header("Date")).isNotBlank();
        assertThat(r.header("Content-Type")).startsWith("application/json");
    }

    // ------------------------------------------------------------------ paging and throttling

    @Test
    @DisplayName("paging: @odata.nextLink is followed verbatim until it is absent; no item twice")
    void pagingFollowsNextLink() {
        String next = "/users?$top=2";
        List<String> ids = new ArrayList<>();
        int pages = 0;
        while (next != null) {
            assertThat(pages).as("pages followed").isLessThan(500);
            Response page = send(Actor.ADMIN, "GET", next, null);
            expectStatus(page, 200);
            assertThat(page.body().get("@odata.context").asText()).contains("$metadata#");
            assertThat(page.body().get("value").isArray()).isTrue();
            page.body().get("value").forEach(v -> ids.add(v.get("id").asText()));
            JsonNode link = page.body().get("@odata.nextLink");
            next = link == null ? null : link.asText();
            if (next != null) {
                assertThat(next).as("an absolute URL").startsWith("http");
            }
            pages++;
        }
        assertThat(pages).as("more than one page with $top=2").isGreaterThan(1);
        assertThat(new LinkedHashSet<>(ids)).hasSameSizeAs(ids);
    }

    @Test
    @DisplayName("throttled: 429 with Retry-After (fault switch), 8's body")
    void throttledWithRetryAfter() {
        Assumptions.assumeTrue(
                armThrottling(2.128, "roleAssignments"),
                "the target has no fault switch: a real tenant cannot be made to throttle on demand");
        Response r = send(
                Actor.ADMIN,
                "GET",
                RM + "roleAssignments?$filter=" + q("principalId eq '" + tenant().userId() + "'"),
                null);
        expectThrottled(r);
        assertThat(r.header("Retry-After")).isEqualTo("2.128");
        assertThat(Double.parseDouble(r.header("Retry-After"))).isPositive();
        expectStatus(
                send(
                        Actor.ADMIN,
                        "GET",
                        RM + "roleAssignments?$filter=" + q("principalId eq '" + tenant().userId() + "'"),
                        null),
                200);
    }

    @Test
    @DisplayName("throttled: 429 without Retry-After (fault switch), 8's body")
    void throttledWithoutRetryAfter() {
        Assumptions.assumeTrue(
                armThrottling(null, "roleAssignmentScheduleRequests"),
                "the target has no fault switch: a real tenant cannot be made to throttle on demand");
        Response r = send(Actor.APP, "POST", ASSIGNMENT_REQUESTS, adminAssignBody(null));
        expectThrottled(r);
        assertThat(r.header("Retry-After")).isNull();
    }

    // ------------------------------------------------------------------ set-up helpers

    /** Tutorial step 1 with a name of its own; deleted after the test. */
    protected String createGroup() {
        Response r = send(Actor.ADMIN, "POST", "/groups", groupBody());
        expectStatus(r, 201);
        String id = r.body().get("id").asText();
        cleanups.push(() -> send(Actor.ADMIN, "DELETE", "/groups/" + id, null));
        return id;
    }

    /** Tutorial steps 1 and 2: the user is a member of a group that is eligible for the role. */
    protected void makeUserEligible() {
        String group = createGroup();
        expectStatus(send(Actor.ADMIN, "POST", ELIGIBILITY_REQUESTS, eligibilityAssignBody(group)), 201);
        cleanups.push(() -> send(Actor.ADMIN, "POST", ELIGIBILITY_REQUESTS, removeBody("AdminRemove", group)));
    }

    /** Tutorial steps 1, 2 and 4; returns the activation request's id. */
    protected String activate() {
        makeUserEligible();
        Response r = send(Actor.USER, "POST", ASSIGNMENT_REQUESTS, selfActivateBody("PT5H"));
        expectStatus(r, 201);
        cleanups.push(this::removeUsersActivation);
        return r.body().get("id").asText();
    }

    private void removeUsersActivation() {
        send(Actor.ADMIN, "POST", ASSIGNMENT_REQUESTS, removeBody("adminRemove", tenant().userId()));
    }

    /** The app's time-bound assignment of the role to the assignee (start: now, or the given future instant). */
    private Response adminAssign(Instant start) {
        Response r = send(Actor.APP, "POST", ASSIGNMENT_REQUESTS, adminAssignBody(start));
        expectStatus(r, 201);
        String id = r.body().get("id").asText();
        cleanups.push(() -> {
            Response removed =
                    send(Actor.APP, "POST", ASSIGNMENT_REQUESTS, removeBody("adminRemove", tenant().assigneeId()));
            if (removed.status() != 201) {
                send(Actor.APP, "POST", ASSIGNMENT_REQUESTS + "/" + id + "/cancel", null);
            }
        });
        return r;
    }

    private Response policyAssignment() {
        String filter = "scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '"
                + tenant().roleDefinitionId() + "'";
        return send(
                Actor.APP,
                "GET",
                "/policies/roleManagementPolicyAssignments?$filter=" + q(filter) + "&$expand="
                        + q("policy($expand=rules)"),
                null);
    }

    // ------------------------------------------------------------------ request bodies (the tutorial's, with current
    // dates)

    private String groupBody() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String users = baseUrl() + "/users/";
        ObjectNode b = ContractHttp.MAPPER.createObjectNode();
        b.put("description", "IT Helpdesk to support Contoso employees (pimflow contract test)");
        b.put("displayName", "pimflow contract " + suffix);
        b.put("mailEnabled", false);
        b.put("mailNickname", "pimflowContract" + suffix);
        b.put("securityEnabled", true);
        b.put("isAssignableToRole", true);
        b.putArray("owners@odata.bind").add(users + tenant().adminId());
        b.putArray("members@odata.bind").add(users + tenant().adminId()).add(users + tenant().userId());
        return b.toString();
    }

    private String eligibilityAssignBody(String principalId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ObjectNode b = ContractHttp.MAPPER.createObjectNode();
        b.put("action", "AdminAssign");
        b.put("justification", "pimflow contract: eligibility for the test group");
        b.put("roleDefinitionId", tenant().roleDefinitionId());
        b.put("directoryScopeId", "/");
        b.put("principalId", principalId);
        ObjectNode schedule = b.putObject("scheduleInfo");
        schedule.put("startDateTime", now.toString());
        schedule.putObject("expiration")
                .put("endDateTime", now.plus(Duration.ofDays(180)).toString())
                .put("type", "AfterDateTime");
        return b.toString();
    }

    private String selfActivateBody(String duration) {
        ObjectNode b = ContractHttp.MAPPER.createObjectNode();
        b.put("action", "SelfActivate");
        b.put("principalId", tenant().userId());
        b.put("roleDefinitionId", tenant().roleDefinitionId());
        b.put("directoryScopeId", "/");
        b.put("justification", "Need to invalidate all app refresh tokens for Contoso users.");
        ObjectNode schedule = b.putObject("scheduleInfo");
        schedule.put(
                "startDateTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        schedule.putObject("expiration").put("type", "AfterDuration").put("duration", duration);
        b.putObject("ticketInfo").put("ticketNumber", TICKET_NUMBER).put("ticketSystem", TICKET_SYSTEM);
        return b.toString();
    }

    private String adminAssignBody(Instant start) {
        return adminScheduleBody("adminAssign", start, "PT5H");
    }

    private String adminScheduleBody(String action, Instant start, String duration) {
        ObjectNode b = ContractHttp.MAPPER.createObjectNode();
        b.put("action", action);
        b.put("principalId", tenant().assigneeId());
        b.put("roleDefinitionId", tenant().roleDefinitionId());
        b.put("directoryScopeId", "/");
        b.put("justification", "pimflow contract: time-bound active assignment");
        ObjectNode schedule = b.putObject("scheduleInfo");
        if (start != null) {
            schedule.put("startDateTime", start.toString());
        }
        schedule.putObject("expiration").put("type", "afterDuration").put("duration", duration);
        b.putObject("ticketInfo").put("ticketNumber", TICKET_NUMBER).put("ticketSystem", TICKET_SYSTEM);
        return b.toString();
    }

    private String removeBody(String action, String principalId) {
        ObjectNode b = ContractHttp.MAPPER.createObjectNode();
        b.put("action", action);
        b.put("principalId", principalId);
        b.put("roleDefinitionId", tenant().roleDefinitionId());
        b.put("directoryScopeId", "/");
        return b.toString();
    }

    /** spec 5.3's PATCH example, with the values to set. */
    private static String expirationRulePatch(boolean required, String maximumDuration) {
        ObjectNode b = ContractHttp.MAPPER.createObjectNode();
        b.put("@odata.type", "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule");
        b.put("id", "Expiration_EndUser_Assignment");
        b.put("isExpirationRequired", required);
        b.put("maximumDuration", maximumDuration);
        ObjectNode target = b.putObject("target");
        target.put("@odata.type", "microsoft.graph.unifiedRoleManagementPolicyRuleTarget");
        target.put("caller", "EndUser");
        target.putArray("operations").add("All");
        target.put("level", "Assignment");
        target.putArray("inheritableSettings");
        target.putArray("enforcedSettings");
        return b.toString();
    }

    // ------------------------------------------------------------------ assertions

    private Response send(Actor actor, String method, String target, String json) {
        return http.send(method, target, token(actor), json);
    }

    /** A fixture by file name, from {@code graph-spec-fixtures/}. */
    protected static JsonNode fixture(String name) {
        return FIXTURES.computeIfAbsent(name, n -> {
            try (InputStream in = GraphPimContract.class.getResourceAsStream("/graph-spec-fixtures/" + n)) {
                if (in == null) {
                    throw new IllegalArgumentException("no fixture graph-spec-fixtures/" + n);
                }
                return ContractHttp.MAPPER.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void expectStatus(Response r, int expected) {
        if (r.status() != expected) {
            fail("expected HTTP " + expected + ": " + r);
        }
    }

    private static void expectError(Response r, String fixtureName) {
        expectStatus(r, 400);
        assertShape(fixtureName, r.body(), Keys.EXACT);
        JsonNode expected = fixture(fixtureName).get("error");
        JsonNode error = r.body().get("error");
        assertThat(error.get("code").asText())
                .as("error.code")
                .isEqualTo(expected.get("code").asText());
        assertThat(error.get("message").asText()).as("error.message").isNotBlank();
        assertThat(error.at("/innerError/date").asText())
                .as("innerError.date: no zone, no fraction")
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
        assertThat(error.at("/innerError/request-id").asText()).isNotBlank();
    }

    private static void expectThrottled(Response r) {
        expectStatus(r, 429);
        assertShape("8-throttled.json", r.body(), Keys.EXACT);
        JsonNode error = r.body().get("error");
        assertThat(error.get("code").asText()).isEqualTo("TooManyRequests");
        assertThat(error.at("/innerError/code").asText()).isEqualTo("429");
        assertThat(error.at("/innerError/status").asText()).isEqualTo("429");
        assertThat(error.at("/innerError/date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
    }

    private static void assertShape(String fixtureName, JsonNode actual, Keys keys) {
        assertShape(fixture(fixtureName), actual, keys, fixtureName);
    }

    private static void assertShape(JsonNode expected, JsonNode actual, Keys keys) {
        assertShape(expected, actual, keys, "the fixture");
    }

    private static void assertShape(JsonNode expected, JsonNode actual, Keys keys, String name) {
        assertThat(actual).as("a JSON body").isNotNull();
        List<String> differences = JsonShape.differences(expected, actual, keys);
        if (!differences.isEmpty()) {
            fail("the response's shape differs from " + name + " (" + keys + "):\n  " + String.join("\n  ", differences)
                    + "\nresponse: " + actual);
        }
    }

    /** The part of {@code @odata.context} after {@code $metadata#}. */
    private static String contextOf(JsonNode body) {
        JsonNode c = body.get("@odata.context");
        assertThat(c).as("@odata.context").isNotNull();
        String s = c.asText();
        int hash = s.indexOf("$metadata#");
        assertThat(hash).as("@odata.context %s has $metadata#", s).isGreaterThanOrEqualTo(0);
        return s.substring(hash + "$metadata#".length());
    }

    private static void assertContext(JsonNode body, String fixtureName) {
        assertThat(contextOf(body)).as("@odata.context after $metadata#").isEqualTo(contextOf(fixture(fixtureName)));
    }

    private static void assertStatus(JsonNode item, String... allowed) {
        assertThat(STATUSES).as("2.3 status values").contains(item.get("status").asText());
        assertThat(item.get("status").asText()).isIn((Object[]) allowed);
    }

    private static void assertPascalCase(JsonNode item, String property) {
        assertThat(item.get(property).asText()).as(property + " is PascalCase").matches("[A-Z][A-Za-z]*");
    }

    /** camelCase {@code action} and {@code expiration.type}, PascalCase {@code status} (spec 1). */
    private static void assertEnums(JsonNode request) {
        assertThat(request.get("action").asText()).matches("(admin|self)[A-Z][a-z]+");
        assertPascalCase(request, "status");
        JsonNode type = request.at("/scheduleInfo/expiration/type");
        if (!type.isMissingNode() && !type.isNull()) {
            assertThat(type.asText()).isIn("noExpiration", "afterDateTime", "afterDuration");
        }
    }

    private static void assertTimestamp(JsonNode node, String property) {
        String text = node.get(property).asText();
        assertThat(OffsetDateTime.parse(text)).as(property + " " + text).isNotNull();
    }

    private static JsonNode find(JsonNode array, String property, String value) {
        for (JsonNode item : array) {
            if (item.path(property).asText().equalsIgnoreCase(value)) {
                return item;
            }
        }
        return fail("no item with " + property + " = " + value + " in " + array);
    }

    private static JsonNode expirationRuleOfFixture() {
        for (JsonNode rule : fixture("5.2-policy-assignment.json").at("/value/0/policy/rules")) {
            if (rule.get("id").asText().equals("Expiration_EndUser_Assignment")) {
                return rule;
            }
        }
        throw new IllegalStateException("5.2 fixture has no Expiration_EndUser_Assignment");
    }

    private static JsonNode withoutContext(JsonNode body) {
        ObjectNode copy = body.deepCopy();
        copy.remove("@odata.context");
        return copy;
    }
}
