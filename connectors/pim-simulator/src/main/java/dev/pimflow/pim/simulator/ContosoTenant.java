package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.pim.simulator.DirectoryObjects.Group;
import dev.pimflow.pim.simulator.DirectoryObjects.User;
import dev.pimflow.pim.simulator.RoleSchedules.Action;
import dev.pimflow.pim.simulator.RoleSchedules.Kind;
import dev.pimflow.pim.simulator.RoleSchedules.Schedule;
import dev.pimflow.pim.simulator.RoleSchedules.ScheduleRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The tenant of the Graph PIM tutorial (its identities: {@link TutorialTenant}) ({@code seeds/000_50eb595f1c532cc2.txt}), as it stands after the
 * tutorial's steps 1 and 2, plus Bob, who is eligible for nothing.
 *
 * <p>The tutorial's dates lie in the past, so the group's eligibility is seeded from "now minus one day" to
 * "now plus one year", computed when the simulator starts.
 */
public final class ContosoTenant {

    public static final String TENANT_ID = TutorialTenant.TENANT_ID;
    public static final String DOMAIN = TutorialTenant.DOMAIN;

    /** MOD Administrator: owner of the helpdesk group, permanently active Global Administrator. */
    public static final String ADMIN_ID = TutorialTenant.ADMIN_ID;
    /** Aline Dupuy: member of the helpdesk group, so eligible for User Administrator through it. */
    public static final String ALINE_ID = TutorialTenant.ALINE_ID;
    /** Bob Kelly: eligible for nothing. */
    public static final String BOB_ID = TutorialTenant.BOB_ID;

    /** Their user principal names, which are also their {@code mail}: cloud-only users of an .onmicrosoft.com tenant. */
    public static final String ADMIN_UPN = "admin@" + DOMAIN;

    public static final String ALINE_UPN = TutorialTenant.ALINE_UPN;
    public static final String BOB_UPN = "BobK@" + DOMAIN;

    public static final String HELPDESK_GROUP_ID = TutorialTenant.HELPDESK_GROUP_ID;
    public static final String HELPDESK_GROUP_NAME = "IT Helpdesk (User)";

    public static final String USER_ADMINISTRATOR_ROLE_ID = BuiltInRoles.USER_ADMINISTRATOR;
    public static final String GLOBAL_ADMINISTRATOR_ROLE_ID = BuiltInRoles.GLOBAL_ADMINISTRATOR;

    /** The request id of the seeded group eligibility (tutorial step 2). */
    public static final String HELPDESK_ELIGIBILITY_REQUEST_ID = "12956159-24b8-4619-b9ea-8ce21f81a38f";

    /**
     * Privileged Authentication Administrator: the seed's one role whose activation needs approval (Approval_EndUser_Assignment:
     * single stage, one day to decide, the approver's justification required, extensions approved too), decided by
     * {@link #APPROVER_ID}. The helpdesk group is eligible for it, so Aline can ask.
     */
    public static final String APPROVAL_ROLE_ID = BuiltInRoles.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR;

    public static final String APPROVAL_ROLE_NAME = "Privileged Authentication Administrator";

    /** Nora Lindqvist, the IT Helpdesk lead: the approval role's one approver; eligible for nothing herself. */
    public static final String APPROVER_ID = "5b0c7e2a-8d4f-4a61-b3e9-7f2c1d6a9e40";

    /** Her user principal name, also her {@code mail}. */
    public static final String APPROVER_UPN = "NoraL@" + DOMAIN;

    /** The request id of the helpdesk group's seeded eligibility for the approval role. */
    public static final String APPROVAL_ROLE_ELIGIBILITY_REQUEST_ID = "7d1f3b52-9c4e-4b8a-a6f0-2e5d8c9b1a73";

    private ContosoTenant() {}

    static void seed(TenantState state) {
        Instant now = state.clock.instant();
        Instant dayAgo = now.minus(1, ChronoUnit.DAYS);
        Instant yearAhead = now.plus(365, ChronoUnit.DAYS);
        seedDirectory(state, dayAgo);
        seedGlobalAdministrator(state, now);
        seedHelpdeskEligibility(state, dayAgo, yearAhead);
        seedUserAdministratorSettings(state);
        seedApprovalRole(state, dayAgo, yearAhead);
    }

    private static void seedDirectory(TenantState state, Instant dayAgo) {
        state.addUser(new User(ADMIN_ID, "MOD Administrator", "MOD", "Administrator", ADMIN_UPN, ADMIN_UPN, null));
        state.addUser(
                new User(ALINE_ID, "Aline Dupuy", "Aline", "Dupuy", ALINE_UPN, ALINE_UPN, "IT Helpdesk Specialist"));
        state.addUser(new User(BOB_ID, "Bob Kelly", "Bob", "Kelly", BOB_UPN, BOB_UPN, "Sales Representative"));
        state.addUser(new User(
                APPROVER_ID, "Nora Lindqvist", "Nora", "Lindqvist", APPROVER_UPN, APPROVER_UPN, "IT Helpdesk Lead"));

        Group helpdesk = new Group(
                HELPDESK_GROUP_ID,
                HELPDESK_GROUP_NAME,
                "IT Helpdesk to support Contoso employees",
                false,
                "userHelpdesk",
                true,
                true,
                List.of(),
                "Private",
                dayAgo.minus(Duration.ofMinutes(5)));
        helpdesk.owners.add(ADMIN_ID);
        helpdesk.members.add(ADMIN_ID);
        helpdesk.members.add(ALINE_ID);
        state.addGroup(helpdesk);
    }

    private static void seedGlobalAdministrator(TenantState state, Instant now) {
        // The admin's Global Administrator role was assigned outside PIM, long before the tutorial.
        Instant longAgo = now.minus(400, ChronoUnit.DAYS);
        state.addSchedule(new Schedule(
                Kind.ASSIGNMENT,
                "4d6ac14f-3453-41d0-bef9-a3e0c569773a",
                ADMIN_ID,
                GLOBAL_ADMINISTRATOR_ROLE_ID,
                "/",
                null,
                null,
                longAgo,
                "Assigned",
                "Direct",
                null,
                true,
                longAgo,
                null,
                "noExpiration",
                null));
    }

    private static void seedHelpdeskEligibility(TenantState state, Instant dayAgo, Instant yearAhead) {
        // Tutorial step 2: the group is eligible for User Administrator, tenant-wide, for a year.
        seedGroupEligibility(
                state,
                HELPDESK_ELIGIBILITY_REQUEST_ID,
                USER_ADMINISTRATOR_ROLE_ID,
                "Assign User Admin eligibility to IT Helpdesk (User) group",
                dayAgo,
                yearAhead);
    }

    private static void seedGroupEligibility(
            TenantState state,
            String requestId,
            String roleId,
            String justification,
            Instant dayAgo,
            Instant yearAhead) {
        ObjectNode info = Json.obj();
        info.put("startDateTime", Json.time(dayAgo));
        info.putNull("recurrence");
        ObjectNode exp = info.putObject("expiration");
        exp.put("type", "afterDateTime");
        exp.put("endDateTime", Json.time(yearAhead));
        exp.putNull("duration");
        ObjectNode createdBy = Json.obj();
        createdBy.putNull("application");
        createdBy.putNull("device");
        createdBy.putObject("user").putNull("displayName").put("id", ADMIN_ID);
        ScheduleRequest request = new ScheduleRequest(
                Kind.ELIGIBILITY,
                requestId,
                Action.ADMIN_ASSIGN,
                dayAgo,
                HELPDESK_GROUP_ID,
                roleId,
                "/",
                null,
                false,
                justification,
                null,
                createdBy,
                info,
                null,
                null);
        request.status = "Provisioned";
        request.completedDateTime = dayAgo;
        request.targetScheduleId = requestId;
        state.addRequest(request);
        state.addSchedule(new Schedule(
                Kind.ELIGIBILITY,
                requestId,
                HELPDESK_GROUP_ID,
                roleId,
                "/",
                null,
                requestId,
                dayAgo,
                null,
                "Direct",
                null,
                false,
                dayAgo,
                yearAhead,
                "afterDateTime",
                null));
    }

    private static void seedUserAdministratorSettings(TenantState state) {
        // User Administrator role settings: activation up to 8 hours with MFA, justification and a ticket.
        TenantState.Policy userAdmin = state.policy(USER_ADMINISTRATOR_ROLE_ID);
        setExpiration(userAdmin, "Expiration_EndUser_Assignment", true, "PT8H");
        setEnabled(
                userAdmin, "Enablement_EndUser_Assignment", "MultiFactorAuthentication", "Justification", "Ticketing");
        setExpiration(userAdmin, "Expiration_Admin_Assignment", false, "P180D");
        setEnabled(userAdmin, "Enablement_Admin_Assignment", "Justification");
    }

    /**
     * Privileged Authentication Administrator: the helpdesk group eligible for a year (made after the tutorial's step 2); an activation
     * up to 8 hours with MFA, justification and a ticket, approved by Nora in one stage (escalated to the tenant's admin
     * after 12 hours); an active assignment (and so
     * an extension of one, counted from its start) up to one day.
     */
    private static void seedApprovalRole(TenantState state, Instant dayAgo, Instant yearAhead) {
        seedGroupEligibility(
                state,
                APPROVAL_ROLE_ELIGIBILITY_REQUEST_ID,
                APPROVAL_ROLE_ID,
                "Assign Privileged Authentication Admin eligibility to IT Helpdesk (User) group",
                dayAgo.plus(Duration.ofMinutes(1)),
                yearAhead);
        TenantState.Policy policy = state.policy(APPROVAL_ROLE_ID);
        setExpiration(policy, "Expiration_EndUser_Assignment", true, "PT8H");
        setEnabled(policy, "Enablement_EndUser_Assignment", "MultiFactorAuthentication", "Justification", "Ticketing");
        setExpiration(policy, "Expiration_Admin_Assignment", true, "P1D");
        ObjectNode setting = policy.rules.get("Approval_EndUser_Assignment").putObject("setting");
        setting.put("isApprovalRequired", true);
        setting.put("isApprovalRequiredForExtension", true);
        setting.put("isRequestorJustificationRequired", true);
        setting.put("approvalMode", "SingleStage");
        ObjectNode stage = setting.putArray("approvalStages").addObject();
        stage.put("approvalStageTimeOutInDays", 1);
        stage.put("isApproverJustificationRequired", true);
        // half the day without a decision: the tenant's admin may decide too
        stage.put("escalationTimeInMinutes", 720);
        stage.put("isEscalationEnabled", true);
        ObjectNode nora = stage.putArray("primaryApprovers").addObject();
        nora.put("@odata.type", "#microsoft.graph.singleUser");
        nora.put("isBackup", false);
        nora.put("userId", APPROVER_ID);
        nora.put("description", "Nora Lindqvist");
        ObjectNode admin = stage.putArray("escalationApprovers").addObject();
        admin.put("@odata.type", "#microsoft.graph.singleUser");
        admin.put("isBackup", false);
        admin.put("userId", ADMIN_ID);
        admin.put("description", "MOD Administrator");
    }

    private static void setExpiration(TenantState.Policy p, String ruleId, boolean required, String max) {
        ObjectNode rule = p.rules.get(ruleId);
        rule.put("isExpirationRequired", required);
        rule.put("maximumDuration", max);
    }

    private static void setEnabled(TenantState.Policy p, String ruleId, String... enabled) {
        ArrayNode a = p.rules.get(ruleId).putArray("enabledRules");
        for (String e : enabled) {
            a.add(e);
        }
    }
}
