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

    /** POST .../{id}/cancel: only requests that have not taken effect yet. */
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
