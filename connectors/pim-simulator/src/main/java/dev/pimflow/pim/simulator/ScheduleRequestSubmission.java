package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.simulator.DirectoryObjects.Group;
import dev.pimflow.pim.simulator.DirectoryObjects.User;
import dev.pimflow.pim.simulator.RoleSchedules.Action;
import dev.pimflow.pim.simulator.RoleSchedules.Kind;
import dev.pimflow.pim.simulator.RoleSchedules.Schedule;
import dev.pimflow.pim.simulator.RoleSchedules.ScheduleRequest;
import dev.pimflow.pim.simulator.ScheduleStore.Slot;
import dev.pimflow.pim.simulator.TenantState.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One POST of roleEligibilityScheduleRequests / roleAssignmentScheduleRequests (spec section 11), checked in
 * Graph's order: 1. shape, 2. who may do this, 3. schedule, 4. policy, 5. state; then 6. record and apply. Runs
 * under the tenant's lock; one instance per request.
 */
final class ScheduleRequestSubmission {

    /** Activations cannot be deactivated within five minutes (Entra documentation). */
    static final Duration MINIMUM_ACTIVE_DURATION = Duration.ofMinutes(5);

    private final TenantState tenant;
    private final Kind kind;
    private final JsonNode body;
    private final Caller caller;
    private final Instant now;

    // 1. shape: the principal and role as the tenant spells them
    private Action action;
    private String principalId;
    private String roleId;
    private String scope;
    private String appScope;
    // 3. and 4.
    private ScheduleWindow window;
    private Policy policy;
    private Schedule eligibility; // what a selfActivate activates

    ScheduleRequestSubmission(TenantState tenant, Kind kind, JsonNode body, Caller caller, Instant now) {
        this.tenant = tenant;
        this.kind = kind;
        this.body = body;
        this.caller = caller;
        this.now = now;
    }

    ScheduleRequest submit() {
        if (body == null || !body.isObject()) {
            throw GraphError.badRequest("BadRequest", "Unable to read JSON request payload.");
        }
        action = action();
        readTarget();
        authorize();
        window = ScheduleWindow.read(action, Json.field(body, "scheduleInfo"), now);
        if (action == Action.ADMIN_EXTEND) {
            window = extensionWindow(window);
        }
        String justification = Json.text(body, "justification");
        JsonNode ticketInfo = Json.field(body, "ticketInfo");
        String ticketNumber = Json.text(ticketInfo, "ticketNumber");
        String ticketSystem = Json.text(ticketInfo, "ticketSystem");
        checkPolicy(justification, ticketNumber);

        ScheduleStore store = tenant.store(kind);
        List<Slot> existing = store.covering(principalId, roleId, scope);
        List<Slot> affected = checkState(existing);

        boolean approvalRequired = action == Action.SELF_ACTIVATE
                && Json.bool(
                        Json.field(policy.rules.get("Approval_EndUser_Assignment"), "setting"),
                        "isApprovalRequired",
                        false);
        ScheduleRequest request = record(approvalRequired, justification, ticketNumber, ticketSystem);
        if (request.isValidationOnly) {
            return request; // validated, nothing persisted
        }
        apply(request.id, store, existing, affected, approvalRequired);
        tenant.log(kind).add(request);
        if (approvalRequired) {
            tenant.openApproval(request, policy);
        }
        return request;
    }

    // ---------------------------------------------------------------- 1. shape

    private Action action() {
        String actionText = Json.text(body, "action");
        if (actionText == null) {
            throw GraphError.invalidRequest("The role assignment request is invalid: 'action' is required.");
        }
        Action parsed = Action.parse(actionText);
        if (parsed == null) {
            throw GraphError.badRequest("BadRequest", "Requested value '" + actionText + "' was not found.");
        }
        if (!supported(kind, parsed)) {
            throw GraphError.badRequest(
                    "notSupported",
                    "The action '" + parsed.wire + "' is not supported by the simulator for " + kind.prefix
                            + "ScheduleRequests.");
        }
        return parsed;
    }

    private static boolean supported(Kind kind, Action action) {
        return switch (action) {
            case ADMIN_ASSIGN, ADMIN_UPDATE, ADMIN_EXTEND, ADMIN_REMOVE -> true;
            case SELF_ACTIVATE, SELF_DEACTIVATE ->
                kind == Kind.ASSIGNMENT; // activation never goes through eligibility requests
            default -> false;
        };
    }

    private void readTarget() {
        principalId = Json.text(body, "principalId");
        roleId = Json.text(body, "roleDefinitionId");
        scope = Json.text(body, "directoryScopeId");
        appScope = Json.text(body, "appScopeId");
        if (principalId == null || roleId == null) {
            throw GraphError.invalidRequest(
                    "The role assignment request is invalid: 'principalId' and 'roleDefinitionId' are required.");
        }
        if (scope == null && appScope == null) {
            throw GraphError.invalidRequest(
                    "The role assignment request is invalid: 'directoryScopeId' or 'appScopeId' is required.");
        }
        BuiltInRoles.Role role = tenant.roles().find(roleId);
        if (role == null) {
            throw GraphError.badRequest("RoleNotFound", "The role is not found.");
        }
        roleId = role.id();
        User user = tenant.directory().findUser(principalId);
        Group group = tenant.directory().findGroup(principalId);
        if (user == null && group == null) {
            throw GraphError.badRequest("SubjectNotFound", "The subject is not found.");
        }
        principalId = user != null ? user.id() : group.id;
        if (group != null && !group.isAssignableToRole) {
            throw GraphError.invalidRequest(
                    "The role assignment request is invalid: only role-assignable groups (isAssignableToRole) can hold directory roles.");
        }
    }

    // ---------------------------------------------------------------- 2. who may do this

    private void authorize() {
        if (action.self) {
            if (caller.appOnly()) {
                // Real behaviour of app-only self actions is unverified (spec 9); like Graph for a token without an
                // MFA claim, the simulator answers the MfaRule failure: an app can never satisfy MFA.
                throw GraphError.policyFailed(List.of("MfaRule"));
            }
            if (!principalId.equalsIgnoreCase(caller.oid())) {
                throw GraphError.invalidRequest(
                        "The role assignment request is invalid: for self actions principalId must be the signed-in user's object id.");
            }
        } else if (!caller.appOnly() && !holdsRoleAdministration(caller.oid())) {
            throw new GraphError(403, "UnknownError", "Attempted to perform an unauthorized operation.");
        }
    }

    /** Admin writes by a signed-in user need an active Privileged Role Administrator or Global Administrator role. */
    private boolean holdsRoleAdministration(String userId) {
        ScheduleStore assignments = tenant.store(Kind.ASSIGNMENT);
        return assignments.firstCurrent(now, userId, BuiltInRoles.GLOBAL_ADMINISTRATOR, "/") != null
                || assignments.firstCurrent(now, userId, BuiltInRoles.PRIVILEGED_ROLE_ADMINISTRATOR, "/") != null;
    }

    /**
     * An extension to an explicit end ({@code afterDateTime}) whose {@code startDateTime} is not in the future keeps
     * the start of the assignment it extends, so that the policy's maximum counts from that start (the assignment's
     * whole length). guess: Graph's one adminExtend example uses {@code afterDuration} and says nothing of the start;
     * an {@code afterDuration} extension keeps the simulator's earlier reading (from now).
     */
    private ScheduleWindow extensionWindow(ScheduleWindow asked) {
        Instant requestedStart = EdmLiterals.time(Json.text(Json.field(body, "scheduleInfo"), "startDateTime"));
        if (!"afterDateTime".equals(asked.expirationType())
                || (requestedStart != null && requestedStart.isAfter(now))) {
            return asked;
        }
        List<Slot> existing = tenant.store(kind).covering(principalId, roleId, scope);
        return existing.isEmpty() ? asked : asked.withStart(existing.get(0).schedule.start);
    }

    // ---------------------------------------------------------------- 4. policy

    private void checkPolicy(String justification, String ticketNumber) {
        policy = tenant.policy(roleId);
        List<String> failed = new ArrayList<>();
        if (action == Action.SELF_ACTIVATE) {
            eligibility = findEligibility();
            if (eligibility == null) {
                // No v3 capture of this case exists (spec 6); the simulator uses the legacy rule name so clients
                // see the same error code as for every other policy failure.
                failed.add("EligibilityRule");
            } else if (eligibility.end != null
                    && (window.end() == null || window.end().isAfter(eligibility.end))) {
                // an activation never outlives its eligibility
                window = window.withEnd(window.end() == null ? null : eligibility.end);
            }
        }
        if (PolicyRuleCheck.evaluatesRules(action)) {
            failed.addAll(
                    PolicyRuleCheck.failedRules(policy, kind, action, window, caller, justification, ticketNumber));
        }
        if (!failed.isEmpty()) {
            throw GraphError.policyFailed(failed);
        }
        if (action == Action.SELF_ACTIVATE) {
            PolicyRuleCheck.requireAuthenticationContext(policy, caller);
        }
    }

    /** Direct eligibility, or eligibility of a role-assignable group the user is a member of (no nesting). */
    private Schedule findEligibility() {
        return tenant.eligibilityFor(principalId, roleId, scope, now);
    }

    // ---------------------------------------------------------------- 5. state

    /** The schedules the request removes, after checking that the existing ones allow it. */
    private List<Slot> checkState(List<Slot> existing) {
        switch (action) {
            case ADMIN_ASSIGN -> {
                if (!existing.isEmpty()) {
                    throw GraphError.badRequest("RoleAssignmentExists", "The Role assignment already exists.");
                }
            }
            case SELF_ACTIVATE -> {
                if (tenant.log(Kind.ASSIGNMENT).hasPendingActivation(principalId, roleId, scope)) {
                    throw GraphError.badRequest(
                            "PendingRoleAssignmentRequest",
                            "There already exists a pending role assignment request for this role.");
                }
                if (!existing.isEmpty()) {
                    throw GraphError.badRequest("RoleAssignmentExists", "The Role assignment already exists.");
                }
            }
            case ADMIN_UPDATE, ADMIN_EXTEND, ADMIN_REMOVE -> {
                if (existing.isEmpty()) {
                    throw GraphError.badRequest("RoleAssignmentDoesNotExist", "The Role assignment does not exist.");
                }
            }
            case SELF_DEACTIVATE -> {
                return activationsToDeactivate(existing);
            }
            default -> throw new IllegalStateException(action.toString());
        }
        return existing;
    }

    private List<Slot> activationsToDeactivate(List<Slot> existing) {
        List<Slot> affected = existing.stream()
                .filter(s -> "Activated".equals(s.schedule.assignmentType))
                .toList();
        if (affected.isEmpty()) {
            throw GraphError.badRequest("RoleAssignmentDoesNotExist", "The Role assignment does not exist.");
        }
        for (Slot s : affected) {
            if (s.schedule.start.plus(MINIMUM_ACTIVE_DURATION).isAfter(now)) {
                throw GraphError.badRequest(
                        "ActiveDurationTooShort", "The Active duration is too short. Miniumum Required is 5 minutes.");
            }
        }
        return affected;
    }

    // ---------------------------------------------------------------- 6. record and apply

    private ScheduleRequest record(
            boolean approvalRequired, String justification, String ticketNumber, String ticketSystem) {
        String id = UUID.randomUUID().toString();
        ScheduleRequest request = new ScheduleRequest(
                kind,
                id,
                action,
                now,
                principalId,
                roleId,
                scope,
                appScope,
                Json.bool(body, "isValidationOnly", false),
                justification,
                Json.text(body, "customData"),
                createdBy(caller),
                action.removes() ? null : window.scheduleInfoJson(),
                ticketNumber,
                ticketSystem);
        if (action.removes()) {
            request.status = "Revoked";
        } else if (approvalRequired) {
            request.status = "PendingApproval";
            // Graph beta's approval-list-steps: a PIM request's approval is identified by the request's own id
            request.approvalId = id;
            request.targetScheduleId = id;
        } else {
            boolean future = window.start().isAfter(now);
            request.status = future ? "Granted" : "Provisioned";
            request.completedDateTime = future ? window.start() : now;
            // spec 2.2: targetScheduleId equals the request's id for assign, activate and extend (Graph's adminExtend
            // example too), so an update or extension answers with a schedule of its own that replaces the old one
            request.targetScheduleId = id;
        }
        return request;
    }

    private static ObjectNode createdBy(Caller caller) {
        ObjectNode by = Json.obj();
        if (caller.appOnly()) {
            ObjectNode app = by.putObject("application");
            app.put("displayName", caller.appDisplayName());
            app.put("id", caller.appId());
            by.putNull("device");
            by.putNull("user");
        } else {
            by.putNull("application");
            by.putNull("device");
            ObjectNode user = by.putObject("user");
            user.putNull("displayName");
            user.put("id", caller.oid());
        }
        return by;
    }

    private void apply(
            String id, ScheduleStore store, List<Slot> existing, List<Slot> affected, boolean approvalRequired) {
        switch (action) {
            case ADMIN_ASSIGN -> store.add(newSchedule(id, "Assigned", "Direct", null));
            case SELF_ACTIVATE -> {
                if (!approvalRequired) {
                    String memberType = eligibility.principalId.equalsIgnoreCase(principalId) ? "Direct" : "Group";
                    store.add(newSchedule(id, "Activated", memberType, eligibility.id));
                }
            }
            case ADMIN_UPDATE, ADMIN_EXTEND -> {
                Slot slot = existing.get(0);
                store.replace(slot, replacement(id, slot.schedule)); // in place: the listing order does not change
            }
            case ADMIN_REMOVE, SELF_DEACTIVATE -> affected.forEach(store::remove);
            default -> throw new IllegalStateException(action.toString());
        }
    }

    private Schedule newSchedule(String id, String assignmentType, String memberType, String activatedUsing) {
        return new Schedule(
                kind,
                id,
                principalId,
                roleId,
                scope,
                appScope,
                id,
                now,
                assignmentType,
                memberType,
                activatedUsing,
                false,
                window.start(),
                window.end(),
                window.expirationType(),
                window.durationText());
    }

    /** An update or extension: a schedule of its own, with the old one's principal, role, scope and type. */
    private Schedule replacement(String id, Schedule old) {
        Schedule s = new Schedule(
                kind,
                id,
                old.principalId,
                old.roleDefinitionId,
                old.directoryScopeId,
                old.appScopeId,
                id,
                old.createdDateTime,
                old.assignmentType,
                old.memberType,
                old.activatedUsing,
                false,
                window.start(),
                window.end(),
                window.expirationType(),
                window.durationText());
        s.modifiedDateTime = now;
        return s;
    }
}
