package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.simulator.DirectoryObjects.Group;
import dev.pimflow.pim.simulator.DirectoryObjects.User;
import dev.pimflow.pim.simulator.RoleSchedules.Kind;
import dev.pimflow.pim.simulator.RoleSchedules.Schedule;
import dev.pimflow.pim.simulator.RoleSchedules.ScheduleRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simulated tenant: directory objects ({@link TenantDirectory}), role definitions ({@link RoleDefinitions}),
 * policies ({@link RoleManagementPolicies}), schedules and the request log. Every operation the routes call is
 * {@code synchronized}: requests are short, so one lock keeps each request's checks and effects atomic. Schedules and
 * requests are indexed ({@link ScheduleStore}, {@link RequestLog}) so that a request, a membership read or the lazy
 * expiry costs the same with 100,000 schedules as with ten; only the listings walk everything. Schedule requests go
 * through {@link ScheduleRequestSubmission}.
 */
final class TenantState {

    static final class Policy {
        final String roleDefinitionId;
        final String guid;
        final Map<String, ObjectNode> rules;
        Instant lastModifiedDateTime;
        String lastModifiedById;
        String lastModifiedByName;

        Policy(String roleDefinitionId, String guid, Map<String, ObjectNode> rules) {
            this.roleDefinitionId = roleDefinitionId;
            this.guid = guid;
            this.rules = rules;
        }

        String id(String tenantId, String scopeType) {
            return scopeType + "_" + tenantId + "_" + guid;
        }
    }

    final String tenantId;
    final Clock clock;
    private final TenantDirectory directory = new TenantDirectory();
    private final RoleDefinitions roles = new RoleDefinitions();
    private final RoleManagementPolicies policies;
    private final ScheduleStore eligibilities = new ScheduleStore();
    private final ScheduleStore assignments = new ScheduleStore();
    private final RequestLog eligibilityRequests = new RequestLog();
    private final RequestLog assignmentRequests = new RequestLog();
    private final RoleAssignmentApprovals approvals = new RoleAssignmentApprovals();

    TenantState(String tenantId, Clock clock) {
        this.tenantId = tenantId;
        this.clock = clock;
        this.policies = new RoleManagementPolicies(tenantId, clock, directory);
    }

    static String key(String id) {
        return id == null ? null : id.toLowerCase(Locale.ROOT);
    }

    TenantDirectory directory() {
        return directory;
    }

    RoleDefinitions roles() {
        return roles;
    }

    // ---------------------------------------------------------------- seeding

    synchronized void addUser(User user) {
        directory.addUser(user);
    }

    synchronized void addGroup(Group group) {
        directory.addGroup(group);
    }

    synchronized Policy policy(String roleDefinitionId) {
        return policies.of(roleDefinitionId);
    }

    synchronized void addSchedule(Schedule s) {
        store(s.kind).add(s);
    }

    synchronized void addRequest(ScheduleRequest r) {
        log(r.kind).add(r);
    }

    // ---------------------------------------------------------------- users and groups

    synchronized ObjectNode user(String id) {
        return directory.user(id);
    }

    synchronized List<ObjectNode> users() {
        return directory.users();
    }

    synchronized List<ObjectNode> transitiveMemberOf(String userIdOrPrincipalName) {
        String userId = directory.requireUser(userIdOrPrincipalName).id();
        Instant now = purge();
        List<ObjectNode> out = directory.groupsWithMember(userId);
        // Active directory roles show up too, as directoryRole objects (clients must filter by @odata.type).
        for (Schedule s : assignments.firstCurrentPerRole(userId, now)) {
            out.add(roles.directoryRole(s.roleDefinitionId));
        }
        return out;
    }

    synchronized ObjectNode group(String id) {
        return directory.group(id);
    }

    synchronized List<ObjectNode> groups() {
        return directory.groups();
    }

    synchronized List<ObjectNode> groupMembers(String id, boolean owners) {
        return directory.groupMembers(id, owners);
    }

    synchronized List<ObjectNode> groupTransitiveMembers(String id, boolean usersOnly) {
        return directory.transitiveMembers(id, usersOnly);
    }

    synchronized ObjectNode createGroup(JsonNode body, Instant now) {
        return directory.createGroup(body, now);
    }

    synchronized void addGroupReference(String groupId, JsonNode body, boolean owner) {
        directory.addGroupReference(groupId, body, owner);
    }

    synchronized void removeGroupReference(String groupId, String memberId, boolean owner) {
        directory.removeGroupReference(groupId, memberId, owner);
    }

    synchronized void deleteGroup(String id) {
        String groupId = directory.deleteGroup(id);
        // A deleted role-assignable group takes its eligible and active role assignments with it.
        eligibilities.removePrincipal(groupId);
        assignments.removePrincipal(groupId);
    }

    /** The principal as an expandable directory object, or null. */
    synchronized ObjectNode principal(String id) {
        return directory.principal(id);
    }

    // ---------------------------------------------------------------- role definitions

    synchronized ObjectNode roleDefinition(String id) {
        return roles.roleDefinition(id);
    }

    synchronized List<ObjectNode> roleDefinitions() {
        return roles.roleDefinitions();
    }

    // ---------------------------------------------------------------- reads of schedules

    synchronized List<ObjectNode> requests(Kind kind) {
        purge();
        return log(kind).all.stream().map(ScheduleRequest::toJson).toList();
    }

    synchronized ObjectNode request(Kind kind, String id) {
        ScheduleRequest r = log(kind).find(id);
        if (r == null) {
            throw GraphError.notFound(id);
        }
        return r.toJson();
    }

    synchronized List<ObjectNode> schedules(Kind kind) {
        purge();
        return store(kind).all().map(Schedule::scheduleJson).toList();
    }

    synchronized List<ObjectNode> instances(Kind kind) {
        Instant now = purge();
        return store(kind)
                .all()
                .filter(s -> s.current(now))
                .map(Schedule::instanceJson)
                .toList();
    }

    synchronized List<ObjectNode> roleAssignments() {
        Instant now = purge();
        return assignments
                .all()
                .filter(s -> s.current(now))
                .map(Schedule::roleAssignmentJson)
                .toList();
    }

    ScheduleStore store(Kind kind) {
        return kind == Kind.ELIGIBILITY ? eligibilities : assignments;
    }

    RequestLog log(Kind kind) {
        return kind == Kind.ELIGIBILITY ? eligibilityRequests : assignmentRequests;
    }

    /** Drops schedules whose end has passed (Graph does this by itself; the simulator does it lazily). */
    private Instant purge() {
        Instant now = clock.instant();
        eligibilities.purge(now);
        assignments.purge(now);
        return now;
    }

    // ---------------------------------------------------------------- policies

    synchronized List<ObjectNode> policyAssignments(String scopeType, boolean expandPolicy, boolean expandRules) {
        return policies.policyAssignments(scopeType, expandPolicy, expandRules);
    }

    synchronized List<ObjectNode> policies(String scopeType, boolean expandRules) {
        return policies.policies(scopeType, expandRules);
    }

    synchronized ObjectNode policyById(String policyId, boolean expandRules) {
        return policies.policyById(policyId, expandRules);
    }

    synchronized ObjectNode rule(String policyId, String ruleId) {
        return policies.rule(policyId, ruleId);
    }

    synchronized List<ObjectNode> rules(String policyId) {
        return policies.rules(policyId);
    }

    synchronized void patchRule(String policyId, String ruleId, JsonNode body, Caller caller) {
        policies.patchRule(policyId, ruleId, body, caller);
    }

    // ---------------------------------------------------------------- schedule requests

    /** POST roleEligibilityScheduleRequests / roleAssignmentScheduleRequests (spec section 11). */
    synchronized ScheduleRequest submit(Kind kind, JsonNode body, Caller caller) {
        Instant now = purge();
        return new ScheduleRequestSubmission(this, kind, body, caller, now).submit();
    }

    /**
     * The current eligibility a {@code selfActivate} of the principal activates: its own, or that of a role-assignable
     * group it is a member of (no nesting), tenant-wide or at the scope, whichever comes first; null when none.
     */
    Schedule eligibilityFor(String principalId, String roleId, String scope, Instant now) {
        List<String> candidates = new java.util.ArrayList<>();
        candidates.add(principalId);
        candidates.addAll(directory.assignableGroupsWithMember(principalId));
        for (String c : candidates) {
            Schedule s = eligibilities.firstCurrent(now, c, roleId, "/", scope);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- approvals

    /** A request that waits for approval gets its approval, with the stages of the role's rule as they stand now. */
    void openApproval(ScheduleRequest request, Policy policy) {
        approvals.open(
                request, Json.field(policy.rules.get("Approval_EndUser_Assignment"), "setting"), clock.instant());
    }

    synchronized ObjectNode approval(String approvalId, Caller caller) {
        Instant now = purge();
        RoleAssignmentApprovals.Approval a = approvals.require(approvalId);
        return RoleAssignmentApprovals.toJson(a, step -> assignedTo(step, caller, a, now));
    }

    synchronized ObjectNode approvalStep(String approvalId, String stepId, Caller caller) {
        Instant now = purge();
        RoleAssignmentApprovals.Approval a = approvals.require(approvalId);
        RoleAssignmentApprovals.Step step = RoleAssignmentApprovals.requireStep(a, stepId);
        return RoleAssignmentApprovals.stepJson(step, assignedTo(step, caller, a, now));
    }

    /** Whether the step waits for this caller's decision: in progress, and the caller one of its deciders. */
    private boolean assignedTo(
            RoleAssignmentApprovals.Step step, Caller caller, RoleAssignmentApprovals.Approval a, Instant now) {
        return "InProgress".equals(step.status)
                && !caller.appOnly()
                && caller.oid() != null
                && !caller.oid().equalsIgnoreCase(a.request.principalId)
                && deciderIds(step, now).contains(key(caller.oid()));
    }

    /**
     * The users who may decide the step: each singleUser, the members (transitively) of each groupMembers; when the
     * stage names none, as PIM does, the active Privileged Role Administrators and Global Administrators (a group
     * holding the role: its members). Other subject sets name no one here.
     */
    private java.util.Set<String> deciderIds(RoleAssignmentApprovals.Step step, Instant now) {
        List<JsonNode> sets = RoleAssignmentApprovals.deciders(step, now);
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        if (sets.isEmpty()) {
            assignments
                    .all()
                    .filter(s -> s.current(now)
                            && (s.roleDefinitionId.equalsIgnoreCase(BuiltInRoles.PRIVILEGED_ROLE_ADMINISTRATOR)
                                    || s.roleDefinitionId.equalsIgnoreCase(BuiltInRoles.GLOBAL_ADMINISTRATOR)))
                    .forEach(s -> addPrincipal(ids, s.principalId));
            return ids;
        }
        for (JsonNode set : sets) {
            String type = String.valueOf(Json.text(set, "@odata.type"));
            if (type.equalsIgnoreCase("#microsoft.graph.singleUser") && Json.text(set, "userId") != null) {
                ids.add(key(Json.text(set, "userId")));
            } else if (type.equalsIgnoreCase("#microsoft.graph.groupMembers") && Json.text(set, "groupId") != null) {
                addPrincipal(ids, Json.text(set, "groupId"));
            }
        }
        return ids;
    }

    private void addPrincipal(java.util.Set<String> ids, String principalId) {
        Group g = directory.findGroup(principalId);
        if (g == null) {
            ids.add(key(principalId));
        } else {
            directory.transitiveMemberIds(g).stream()
                    .filter(m -> directory.findUser(m) != null)
                    .forEach(ids::add);
        }
    }

    /**
     * {@code PATCH roleAssignmentApprovals/{id}/steps/{stepId}}: an approver's decision on the step in progress. A
     * denial denies the request; an approval starts the next step, or when it was the last, provisions the activation.
     */
    synchronized void decide(String approvalId, String stepId, JsonNode body, Caller caller) {
        Instant now = purge();
        RoleAssignmentApprovals.Approval a = approvals.require(approvalId);
        RoleAssignmentApprovals.Step step = RoleAssignmentApprovals.requireStep(a, stepId);
        String result = Json.text(body, "reviewResult");
        boolean approve = "Approve".equalsIgnoreCase(result);
        if (!approve && !"Deny".equalsIgnoreCase(result)) {
            throw GraphError.badRequest(
                    "BadRequest", "Invalid value '" + result + "' for 'reviewResult': Approve or Deny.");
        }
        // guess: an app has no one to decide as (the documentation lists delegated permissions for PIM decisions)
        if (caller.appOnly() || caller.oid() == null) {
            throw new GraphError(403, "UnknownError", "Attempted to perform an unauthorized operation.");
        }
        if (caller.oid().equalsIgnoreCase(a.request.principalId)) {
            // PIM never lets the requester decide their own request (guess: the error's code and words)
            throw new GraphError(403, "UnknownError", "Attempted to perform an unauthorized operation.");
        }
        if ("Completed".equals(step.status) || !"PendingApproval".equals(a.request.status)) {
            throw new GraphError(409, "Conflict", "The approval step has already been decided.");
        }
        if (!"InProgress".equals(step.status)) {
            // guess: a later stage cannot be decided before the one in progress
            throw GraphError.badRequest("BadRequest", "The approval step is not in progress.");
        }
        if (!deciderIds(step, now).contains(key(caller.oid()))) {
            throw new GraphError(403, "UnknownError", "Attempted to perform an unauthorized operation.");
        }
        String justification = Json.text(body, "justification");
        if (RoleAssignmentApprovals.approverJustificationRequired(step)
                && (justification == null || justification.isBlank())) {
            // guess: the code and words; the rule's isApproverJustificationRequired is documented
            throw GraphError.badRequest("BadRequest", "A justification is required to decide this approval step.");
        }
        step.status = "Completed";
        // guess: the result as the decision was sent (the resource page lists Approved/Denied, the update page sends
        // Approve/Deny)
        step.reviewResult = approve ? "Approve" : "Deny";
        step.reviewedById = caller.oid();
        step.reviewedByName = directory.displayName(caller.oid());
        step.reviewedDateTime = now;
        step.justification = justification;
        ScheduleRequest request = a.request;
        if (!approve) {
            request.status = "Denied";
            request.completedDateTime = now;
            assignmentRequests.statusChanged(request);
            return;
        }
        int next = a.steps.indexOf(step) + 1;
        if (next < a.steps.size()) {
            a.steps.get(next).status = "InProgress";
            a.steps.get(next).startedAt = now;
            return;
        }
        provisionApproved(request, now);
    }

    /**
     * The approved activation takes effect as a selfActivate would have: from now (or the later start it asked for)
     * for the duration or to the end it asked for, never beyond its eligibility. guess: an activation whose
     * eligibility has gone, or that another one already covers, fails ({@code Failed}).
     */
    private void provisionApproved(ScheduleRequest request, Instant now) {
        RoleSchedules.Action activate = RoleSchedules.Action.SELF_ACTIVATE;
        Schedule eligibility =
                eligibilityFor(request.principalId, request.roleDefinitionId, request.directoryScopeId, now);
        ScheduleWindow window;
        try {
            window = ScheduleWindow.read(activate, request.scheduleInfo, now);
        } catch (GraphError e) {
            window = null; // an end that has passed while the request waited
        }
        if (eligibility == null
                || window == null
                || !assignments
                        .covering(request.principalId, request.roleDefinitionId, request.directoryScopeId)
                        .isEmpty()) {
            request.status = "Failed";
            request.completedDateTime = now;
            assignmentRequests.statusChanged(request);
            return;
        }
        if (eligibility.end != null && (window.end() == null || window.end().isAfter(eligibility.end))) {
            window = window.withEnd(eligibility.end);
        }
        String memberType = eligibility.principalId.equalsIgnoreCase(request.principalId) ? "Direct" : "Group";
        assignments.add(new Schedule(
                Kind.ASSIGNMENT,
                request.id,
                request.principalId,
                request.roleDefinitionId,
                request.directoryScopeId,
                request.appScopeId,
                request.id,
                now,
                "Activated",
                memberType,
                eligibility.id,
                false,
                window.start(),
                window.end(),
                window.expirationType(),
                window.durationText()));
        boolean future = window.start().isAfter(now);
        request.status = future ? "Granted" : "Provisioned";
        request.completedDateTime = future ? window.start() : now;
        assignmentRequests.statusChanged(request);
    }

    /**
     * POST .../{id}/cancel: only requests that have not taken effect yet. The reference documents it for {@code Granted}
     * requests (spec 2.5); guess: a request that waits for approval ({@code PendingApproval}) can be cancelled too (the
     * portal lets a requester cancel a pending request), with no assignment to remove, and its approval is closed with
     * it (a decision on it answers 409, as for a decided one).
     */
    synchronized void cancel(Kind kind, String requestId) {
        RequestLog log = log(kind);
        ScheduleRequest r = log.find(requestId);
        if (r == null) {
            throw GraphError.notFound(requestId);
        }
        if (!"Granted".equals(r.status) && !"PendingApproval".equals(r.status)) {
            throw GraphError.badRequest(
                    "InvalidRoleAssignmentRequest",
                    "Only requests in status Granted or PendingApproval can be canceled; this one is " + r.status
                            + ".");
        }
        if ("Granted".equals(r.status)) {
            store(kind).removeNotStarted(r.targetScheduleId, clock.instant());
        }
        r.status = kind == Kind.ELIGIBILITY ? "Revoked" : "Canceled";
        log.statusChanged(r);
    }
}
