package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.simulator.DirectoryObjects.Group;
import dev.pimflow.pim.simulator.DirectoryObjects.User;
import dev.pimflow.pim.simulator.RoleSchedules.Action;
import dev.pimflow.pim.simulator.RoleSchedules.Kind;
import dev.pimflow.pim.simulator.RoleSchedules.Schedule;
import dev.pimflow.pim.simulator.RoleSchedules.ScheduleRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The simulated tenant: directory objects, role definitions, policies, schedules and the request log.
 * Every public operation is {@code synchronized}: requests are short, so one lock keeps each request's checks
 * and effects atomic. Schedules and requests are indexed ({@link ScheduleStore}, {@link RequestLog}) so that a
 * request, a membership read or the lazy expiry costs the same with 100,000 schedules as with ten; only the
 * listings walk everything.
 */
final class TenantState {

    /** Activations cannot be deactivated within five minutes (Entra documentation). */
    static final Duration MINIMUM_ACTIVE_DURATION = Duration.ofMinutes(5);

    /** Slack for requests whose start is normalised to the processing time a moment after the caller computed it. */
    private static final Duration EXPIRATION_GRACE = Duration.ofMinutes(1);

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
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, BuiltInRoles.Role> roles = new LinkedHashMap<>();
    private final Map<String, Policy> policies = new LinkedHashMap<>();
    private final ScheduleStore eligibilities = new ScheduleStore();
    private final ScheduleStore assignments = new ScheduleStore();
    private final RequestLog eligibilityRequests = new RequestLog();
    private final RequestLog assignmentRequests = new RequestLog();

    TenantState(String tenantId, Clock clock) {
        this.tenantId = tenantId;
        this.clock = clock;
        for (BuiltInRoles.Role r : BuiltInRoles.ALL) {
            roles.put(key(r.id()), r);
            String guid = UUID.nameUUIDFromBytes(("policy:" + r.id()).getBytes(StandardCharsets.UTF_8))
                    .toString();
            policies.put(key(r.id()), new Policy(r.id(), guid, PolicyRules.defaults()));
        }
    }

    static String key(String id) {
        return id == null ? null : id.toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- seeding

    synchronized void addUser(User user) {
        users.put(key(user.id()), user);
    }

    synchronized void addGroup(Group group) {
        groups.put(key(group.id), group);
    }

    synchronized Policy policy(String roleDefinitionId) {
        return policies.get(key(roleDefinitionId));
    }

    synchronized void addSchedule(Schedule s) {
        store(s.kind).add(s);
    }

    synchronized void addRequest(ScheduleRequest r) {
        log(r.kind).add(r);
    }

    // ---------------------------------------------------------------- users and groups

    synchronized ObjectNode user(String id) {
        User u = users.get(key(id));
        if (u == null) {
            throw GraphError.notFound(id);
        }
        return u.toJson();
    }

    synchronized List<ObjectNode> users() {
        return users.values().stream().map(User::toJson).toList();
    }

    synchronized List<ObjectNode> transitiveMemberOf(String userId) {
        if (!users.containsKey(key(userId))) {
            throw GraphError.notFound(userId);
        }
        Instant now = purge();
        List<ObjectNode> out = new ArrayList<>();
        for (Group g : groups.values()) {
            if (g.members.contains(key(userId))) {
                ObjectNode j = Json.obj();
                j.put("@odata.type", "#microsoft.graph.group");
                j.setAll(g.toJson());
                out.add(j);
            }
        }
        // Active directory roles show up too, as directoryRole objects (clients must filter by @odata.type).
        for (Schedule s : assignments.firstCurrentPerRole(userId, now)) {
            BuiltInRoles.Role r = roles.get(key(s.roleDefinitionId));
            ObjectNode j = Json.obj();
            j.put("@odata.type", "#microsoft.graph.directoryRole");
            j.put(
                    "id",
                    UUID.nameUUIDFromBytes(("directoryRole:" + r.id()).getBytes(StandardCharsets.UTF_8))
                            .toString());
            j.putNull("deletedDateTime");
            j.put("description", r.description());
            j.put("displayName", r.displayName());
            j.put("roleTemplateId", r.id());
            out.add(j);
        }
        return out;
    }

    synchronized ObjectNode group(String id) {
        return requireGroup(id).toJson();
    }

    synchronized List<ObjectNode> groups() {
        return groups.values().stream().map(Group::toJson).toList();
    }

    synchronized List<ObjectNode> groupMembers(String id, boolean owners) {
        Group g = requireGroup(id);
        List<ObjectNode> out = new ArrayList<>();
        for (String m : owners ? g.owners : g.members) {
            out.add(directoryObject(m));
        }
        return out;
    }

    private Group requireGroup(String id) {
        Group g = groups.get(key(id));
        if (g == null) {
            throw GraphError.notFound(id);
        }
        return g;
    }

    private ObjectNode directoryObject(String id) {
        ObjectNode j = Json.obj();
        User u = users.get(key(id));
        if (u != null) {
            j.put("@odata.type", "#microsoft.graph.user");
            j.setAll(u.toJson());
        } else {
            Group g = groups.get(key(id));
            j.put("@odata.type", "#microsoft.graph.group");
            if (g != null) {
                j.setAll(g.toJson());
            } else {
                j.put("id", id);
            }
        }
        return j;
    }

    synchronized ObjectNode createGroup(JsonNode body, Instant now) {
        if (body == null || !body.isObject()) {
            throw GraphError.badRequest("Request_BadRequest", "Unable to read JSON request payload.");
        }
        for (String required : List.of("displayName", "mailEnabled", "mailNickname", "securityEnabled")) {
            JsonNode v = Json.field(body, required);
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
                throw GraphError.badRequest(
                        "Request_BadRequest",
                        "Invalid value specified for property '" + required + "' of resource 'Group'.");
            }
        }
        boolean assignable = Json.bool(body, "isAssignableToRole", false);
        boolean securityEnabled = Json.bool(body, "securityEnabled", false);
        List<String> groupTypes = new ArrayList<>();
        JsonNode types = Json.field(body, "groupTypes");
        if (types != null && types.isArray()) {
            types.forEach(t -> groupTypes.add(t.asText()));
        }
        if (assignable && !securityEnabled) {
            throw GraphError.badRequest(
                    "Request_BadRequest", "A role-assignable group must be a security group (securityEnabled).");
        }
        if (assignable && groupTypes.stream().anyMatch(t -> t.equalsIgnoreCase("DynamicMembership"))) {
            throw GraphError.badRequest(
                    "Request_BadRequest", "A role-assignable group cannot have dynamic membership.");
        }
        List<String> owners = binds(body, "owners@odata.bind", false, assignable);
        List<String> members = binds(body, "members@odata.bind", true, assignable);
        if (owners.size() + members.size() > 20) {
            throw GraphError.badRequest(
                    "Request_BadRequest", "At most 20 owners and members can be added when a group is created.");
        }
        String visibility = Json.text(body, "visibility");
        Group g = new Group(
                UUID.randomUUID().toString(),
                Json.text(body, "displayName"),
                Json.text(body, "description"),
                Json.bool(body, "mailEnabled", false),
                Json.text(body, "mailNickname"),
                securityEnabled,
                assignable,
                groupTypes,
                visibility != null ? visibility : (assignable ? "Private" : null),
                now);
        owners.forEach(o -> g.owners.add(key(o)));
        members.forEach(m -> g.members.add(key(m)));
        groups.put(key(g.id), g);
        return g.toJson();
    }

    private List<String> binds(JsonNode body, String property, boolean members, boolean assignable) {
        List<String> ids = new ArrayList<>();
        JsonNode v = Json.field(body, property);
        if (v == null || v.isNull()) {
            return ids;
        }
        if (!v.isArray()) {
            throw GraphError.badRequest("Request_BadRequest", "'" + property + "' must be an array of URLs.");
        }
        for (JsonNode ref : v) {
            String id = lastSegment(ref.asText());
            ids.add(checkMember(id, members, assignable));
        }
        return ids;
    }

    private String checkMember(String id, boolean member, boolean assignableGroup) {
        if (users.containsKey(key(id))) {
            return id;
        }
        if (member && groups.containsKey(key(id))) {
            if (assignableGroup) {
                throw GraphError.badRequest(
                        "Request_BadRequest",
                        "A role-assignable group cannot have a group as a member (nesting is not supported).");
            }
            return id;
        }
        throw GraphError.badRequest("Request_BadRequest", "Invalid object identifier '" + id + "'.");
    }

    static String lastSegment(String url) {
        String s = url.trim();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.substring(s.lastIndexOf('/') + 1);
    }

    synchronized void addGroupReference(String groupId, JsonNode body, boolean owner) {
        Group g = requireGroup(groupId);
        String ref = Json.text(body, "@odata.id");
        if (ref == null) {
            throw GraphError.badRequest("Request_BadRequest", "The '@odata.id' property is required.");
        }
        String id = checkMember(lastSegment(ref), !owner, g.isAssignableToRole);
        Set<String> set = owner ? g.owners : g.members;
        if (!set.add(key(id))) {
            throw GraphError.badRequest(
                    "Request_BadRequest",
                    "One or more added object references already exist for the following modified properties: '"
                            + (owner ? "owners" : "members") + "'.");
        }
    }

    synchronized void removeGroupReference(String groupId, String memberId, boolean owner) {
        Group g = requireGroup(groupId);
        if (!(owner ? g.owners : g.members).remove(key(memberId))) {
            throw GraphError.notFound(memberId);
        }
    }

    synchronized void deleteGroup(String id) {
        Group g = requireGroup(id);
        groups.remove(key(g.id));
        // A deleted role-assignable group takes its eligible and active role assignments with it.
        eligibilities.removePrincipal(g.id);
        assignments.removePrincipal(g.id);
    }

    // ---------------------------------------------------------------- role definitions

    synchronized ObjectNode roleDefinition(String id) {
        BuiltInRoles.Role r = roles.get(key(id));
        if (r == null) {
            throw GraphError.notFound(id);
        }
        return roleJson(r);
    }

    synchronized List<ObjectNode> roleDefinitions() {
        return roles.values().stream().map(TenantState::roleJson).toList();
    }

    private static ObjectNode roleJson(BuiltInRoles.Role r) {
        ObjectNode j = Json.obj();
        j.put("id", r.id());
        j.put("description", r.description());
        j.put("displayName", r.displayName());
        j.put("isBuiltIn", true);
        j.put("isEnabled", true);
        j.putArray("resourceScopes").add("/");
        j.put("templateId", r.id());
        j.putNull("version");
        ObjectNode perm = j.putArray("rolePermissions").addObject();
        perm.putArray("allowedResourceActions");
        perm.putNull("condition");
        return j;
    }

    /** The principal as an expandable directory object, or null. */
    synchronized ObjectNode principal(String id) {
        if (users.containsKey(key(id)) || groups.containsKey(key(id))) {
            return directoryObject(id);
        }
        return null;
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

    private ScheduleStore store(Kind kind) {
        return kind == Kind.ELIGIBILITY ? eligibilities : assignments;
    }

    private RequestLog log(Kind kind) {
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
        List<ObjectNode> out = new ArrayList<>();
        for (Policy p : policies.values()) {
            ObjectNode a = Json.obj();
            a.put("id", p.id(tenantId, scopeType) + "_" + p.roleDefinitionId);
            a.put("policyId", p.id(tenantId, scopeType));
            a.put("scopeId", "/");
            a.put("scopeType", scopeType);
            a.put("roleDefinitionId", p.roleDefinitionId);
            if (expandPolicy) {
                a.set("policy", policyJson(p, scopeType, expandRules));
            }
            out.add(a);
        }
        return out;
    }

    synchronized List<ObjectNode> policies(String scopeType, boolean expandRules) {
        return policies.values().stream()
                .map(p -> policyJson(p, scopeType, expandRules))
                .toList();
    }

    synchronized ObjectNode policyById(String policyId, boolean expandRules) {
        Policy p = policyByIdOrThrow(policyId);
        return policyJson(p, policyId.substring(0, policyId.indexOf('_')), expandRules);
    }

    private ObjectNode policyJson(Policy p, String scopeType, boolean expandRules) {
        ObjectNode j = Json.obj();
        j.put("id", p.id(tenantId, scopeType));
        j.put("displayName", scopeType);
        j.put("description", scopeType);
        j.put("isOrganizationDefault", false);
        j.put("scopeId", "/");
        j.put("scopeType", scopeType);
        j.put("lastModifiedDateTime", Json.time(p.lastModifiedDateTime));
        ObjectNode by = j.putObject("lastModifiedBy");
        by.put("displayName", p.lastModifiedByName);
        by.put("id", p.lastModifiedById);
        if (expandRules) {
            var rules = j.putArray("rules");
            p.rules.values().forEach(r -> rules.add(r.deepCopy()));
        }
        return j;
    }

    private Policy policyByIdOrThrow(String policyId) {
        int first = policyId.indexOf('_');
        int last = policyId.lastIndexOf('_');
        if (first > 0 && last > first) {
            String scopeType = policyId.substring(0, first);
            String guid = policyId.substring(last + 1);
            if (scopeType.equalsIgnoreCase("DirectoryRole") || scopeType.equalsIgnoreCase("Directory")) {
                for (Policy p : policies.values()) {
                    if (p.guid.equalsIgnoreCase(guid)) {
                        return p;
                    }
                }
            }
        }
        throw GraphError.notFound(policyId);
    }

    synchronized ObjectNode rule(String policyId, String ruleId) {
        Policy p = policyByIdOrThrow(policyId);
        ObjectNode r = ruleOrThrow(p, ruleId);
        return r.deepCopy();
    }

    synchronized List<ObjectNode> rules(String policyId) {
        return policyByIdOrThrow(policyId).rules.values().stream()
                .map(ObjectNode::deepCopy)
                .toList();
    }

    private static ObjectNode ruleOrThrow(Policy p, String ruleId) {
        for (Map.Entry<String, ObjectNode> e : p.rules.entrySet()) {
            if (e.getKey().equalsIgnoreCase(ruleId)) {
                return e.getValue();
            }
        }
        throw GraphError.notFound(ruleId);
    }

    /** PATCH semantics: properties present in the body replace the rule's; {@code @odata.type} must match. */
    synchronized void patchRule(String policyId, String ruleId, JsonNode body, Caller caller) {
        Policy p = policyByIdOrThrow(policyId);
        ObjectNode rule = ruleOrThrow(p, ruleId);
        if (body == null || !body.isObject()) {
            throw GraphError.badRequest("BadRequest", "Unable to read JSON request payload.");
        }
        String type = Json.text(body, "@odata.type");
        if (type == null) {
            throw GraphError.badRequest(
                    "BadRequest", "The '@odata.type' property is required to update a policy rule.");
        }
        String expected = rule.get("@odata.type").asText();
        if (!normaliseType(type).equalsIgnoreCase(normaliseType(expected))) {
            throw GraphError.badRequest(
                    "BadRequest", "The rule '" + ruleId + "' is of type " + expected + ", not " + type + ".");
        }
        String max = Json.text(body, "maximumDuration");
        if (max != null) {
            try {
                Json.parseDuration(max);
            } catch (DateTimeParseException e) {
                throw GraphError.badRequest("BadRequest", "Invalid maximumDuration '" + max + "'.");
            }
        }
        ObjectNode updated = rule.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("id") || e.getKey().equals("@odata.type")) {
                continue;
            }
            if (e.getKey().equals("target") && e.getValue().isObject()) {
                ObjectNode target = PolicyRules.target(
                        rule.path("target").path("caller").asText(),
                        rule.path("target").path("level").asText());
                e.getValue().fields().forEachRemaining(t -> {
                    if (!t.getKey().startsWith("@odata")) {
                        target.set(t.getKey(), t.getValue().deepCopy());
                    }
                });
                // GET answers operations in lower case even after a PATCH sent "All".
                if (target.get("operations").isArray()) {
                    var ops = Json.arr();
                    target.get("operations").forEach(o -> ops.add(o.asText().toLowerCase(Locale.ROOT)));
                    target.set("operations", ops);
                }
                updated.set("target", target);
            } else {
                updated.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        p.rules.put(rule.get("id").asText(), updated);
        p.lastModifiedDateTime = clock.instant();
        p.lastModifiedById = caller.appOnly() ? caller.appId() : caller.oid();
        p.lastModifiedByName = caller.appOnly() ? caller.appDisplayName() : displayName(caller.oid());
    }

    private String displayName(String userId) {
        User u = userId == null ? null : users.get(key(userId));
        return u == null ? null : u.displayName();
    }

    private static String normaliseType(String t) {
        return t.startsWith("#") ? t.substring(1) : t;
    }

    // ---------------------------------------------------------------- schedule requests

    /** POST roleEligibilityScheduleRequests / roleAssignmentScheduleRequests (spec section 11). */
    synchronized ScheduleRequest submit(Kind kind, JsonNode body, Caller caller) {
        Instant now = purge();
        if (body == null || !body.isObject()) {
            throw GraphError.badRequest("BadRequest", "Unable to read JSON request payload.");
        }
        // 1. shape
        String actionText = Json.text(body, "action");
        if (actionText == null) {
            throw GraphError.invalidRequest("The role assignment request is invalid: 'action' is required.");
        }
        Action action = Action.parse(actionText);
        if (action == null) {
            throw GraphError.badRequest("BadRequest", "Requested value '" + actionText + "' was not found.");
        }
        if (!supported(kind, action)) {
            throw GraphError.badRequest(
                    "notSupported",
                    "The action '" + action.wire + "' is not supported by the simulator for " + kind.prefix
                            + "ScheduleRequests.");
        }
        String principalId = Json.text(body, "principalId");
        String roleId = Json.text(body, "roleDefinitionId");
        String scope = Json.text(body, "directoryScopeId");
        String appScope = Json.text(body, "appScopeId");
        if (principalId == null || roleId == null) {
            throw GraphError.invalidRequest(
                    "The role assignment request is invalid: 'principalId' and 'roleDefinitionId' are required.");
        }
        if (scope == null && appScope == null) {
            throw GraphError.invalidRequest(
                    "The role assignment request is invalid: 'directoryScopeId' or 'appScopeId' is required.");
        }
        BuiltInRoles.Role role = roles.get(key(roleId));
        if (role == null) {
            throw GraphError.badRequest("RoleNotFound", "The role is not found.");
        }
        roleId = role.id();
        User user = users.get(key(principalId));
        Group group = groups.get(key(principalId));
        if (user == null && group == null) {
            throw GraphError.badRequest("SubjectNotFound", "The subject is not found.");
        }
        principalId = user != null ? user.id() : group.id;
        if (group != null && !group.isAssignableToRole) {
            throw GraphError.invalidRequest(
                    "The role assignment request is invalid: only role-assignable groups (isAssignableToRole) can hold directory roles.");
        }

        // 2. who may do this
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
        } else if (!caller.appOnly() && !holdsRoleAdministration(caller.oid(), now)) {
            throw new GraphError(403, "UnknownError", "Attempted to perform an unauthorized operation.");
        }

        // 3. schedule
        JsonNode scheduleInfo = Json.field(body, "scheduleInfo");
        Instant start = now;
        Instant end = null;
        String expirationType = "noExpiration";
        String durationText = null;
        if (!action.removes()) {
            Instant requestedStart = time(Json.text(scheduleInfo, "startDateTime"));
            if (requestedStart != null && requestedStart.isAfter(now)) {
                start = requestedStart;
            }
            JsonNode expiration = Json.field(scheduleInfo, "expiration");
            String type = Json.text(expiration, "type");
            if (type == null || type.equalsIgnoreCase("noExpiration") || type.equalsIgnoreCase("notSpecified")) {
                expirationType = "noExpiration";
            } else if (type.equalsIgnoreCase("afterDuration")) {
                expirationType = "afterDuration";
                durationText = Json.text(expiration, "duration");
                Duration d = duration(durationText);
                if (d == null || d.isNegative() || d.isZero()) {
                    throw GraphError.invalidRequest(
                            "The role assignment request is invalid: afterDuration needs a positive 'duration'.");
                }
                end = start.plus(d);
            } else if (type.equalsIgnoreCase("afterDateTime")) {
                expirationType = "afterDateTime";
                end = time(Json.text(expiration, "endDateTime"));
                if (end == null) {
                    throw GraphError.invalidRequest(
                            "The role assignment request is invalid: afterDateTime needs 'endDateTime'.");
                }
                if (!end.isAfter(start)) {
                    throw GraphError.invalidRequest(
                            "The role assignment request is invalid: the end time must be after the start time.");
                }
            } else {
                throw GraphError.badRequest("BadRequest", "Requested value '" + type + "' was not found.");
            }
        }
        String justification = Json.text(body, "justification");
        JsonNode ticketInfo = Json.field(body, "ticketInfo");
        String ticketNumber = Json.text(ticketInfo, "ticketNumber");
        String ticketSystem = Json.text(ticketInfo, "ticketSystem");

        // 4. policy
        Policy policy = policies.get(key(roleId));
        List<String> failed = new ArrayList<>();
        Schedule eligibility = null;
        if (action == Action.SELF_ACTIVATE) {
            eligibility = findEligibility(principalId, roleId, scope, now);
            if (eligibility == null) {
                // No v3 capture of this case exists (spec 6); the simulator uses the legacy rule name so clients
                // see the same error code as for every other policy failure.
                failed.add("EligibilityRule");
            } else if (eligibility.end != null && (end == null || end.isAfter(eligibility.end))) {
                end = end == null ? null : eligibility.end; // an activation never outlives its eligibility
            }
        }
        if (evaluatesRules(action)) {
            String callerKind = action.self ? "EndUser" : "Admin";
            String level = kind == Kind.ELIGIBILITY ? "Eligibility" : "Assignment";
            ObjectNode expirationRule = policy.rules.get("Expiration_" + callerKind + "_" + level);
            ObjectNode enablementRule = policy.rules.get("Enablement_" + callerKind + "_" + level);
            if (expirationRule != null) {
                boolean required = Json.bool(expirationRule, "isExpirationRequired", false);
                Duration max = duration(Json.text(expirationRule, "maximumDuration"));
                boolean tooLong = end != null
                        && max != null
                        && Duration.between(start, end).compareTo(max.plus(EXPIRATION_GRACE)) > 0;
                if ((end == null && required) || tooLong) {
                    failed.add("ExpirationRule");
                }
            }
            if (enablementRule != null) {
                JsonNode enabled = enablementRule.get("enabledRules");
                if (Json.containsIgnoreCase(enabled, "MultiFactorAuthentication")
                        && (caller.appOnly() || !caller.hasMfa())) {
                    failed.add("MfaRule");
                }
                if (Json.containsIgnoreCase(enabled, "Justification") && isBlank(justification)) {
                    failed.add("JustificationRule");
                }
                if (Json.containsIgnoreCase(enabled, "Ticketing") && isBlank(ticketNumber)) {
                    failed.add("TicketingRule");
                }
            }
        }
        if (!failed.isEmpty()) {
            throw GraphError.policyFailed(failed);
        }
        if (action == Action.SELF_ACTIVATE) {
            ObjectNode acrs = policy.rules.get("AuthenticationContext_EndUser_Assignment");
            String claim = acrs == null ? null : Json.text(acrs, "claimValue");
            if (acrs != null
                    && Json.bool(acrs, "isEnabled", false)
                    && claim != null
                    && caller.acrs().stream().noneMatch(claim::equalsIgnoreCase)) {
                String challenge = "{\"access_token\":{\"acrs\":{\"essential\":true, \"value\":\"" + claim + "\"}}}";
                throw GraphError.badRequest(
                        "RoleAssignmentRequestAcrsValidationFailed",
                        "&claims="
                                + URLEncoder.encode(challenge, StandardCharsets.UTF_8)
                                        .replace("+", "%20"));
            }
        }

        // 5. state
        ScheduleStore store = store(kind);
        String p = principalId;
        String r = roleId;
        List<Slot> existing = store.covering(p, r, scope);
        List<Slot> affected = existing;
        switch (action) {
            case ADMIN_ASSIGN -> {
                if (!existing.isEmpty()) {
                    throw GraphError.badRequest("RoleAssignmentExists", "The Role assignment already exists.");
                }
            }
            case SELF_ACTIVATE -> {
                if (assignmentRequests.hasPendingActivation(p, r, scope)) {
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
                affected = existing.stream()
                        .filter(s -> "Activated".equals(s.schedule.assignmentType))
                        .toList();
                if (affected.isEmpty()) {
                    throw GraphError.badRequest("RoleAssignmentDoesNotExist", "The Role assignment does not exist.");
                }
                for (Slot s : affected) {
                    if (s.schedule.start.plus(MINIMUM_ACTIVE_DURATION).isAfter(now)) {
                        throw GraphError.badRequest(
                                "ActiveDurationTooShort",
                                "The Active duration is too short. Miniumum Required is 5 minutes.");
                    }
                }
            }
            default -> throw new IllegalStateException(action.toString());
        }

        // 6. record and apply
        boolean approvalRequired = action == Action.SELF_ACTIVATE
                && Json.bool(
                        Json.field(policy.rules.get("Approval_EndUser_Assignment"), "setting"),
                        "isApprovalRequired",
                        false);
        String id = UUID.randomUUID().toString();
        ObjectNode info = null;
        if (!action.removes()) {
            info = Json.obj();
            info.put("startDateTime", Json.time(start));
            info.putNull("recurrence");
            ObjectNode exp = info.putObject("expiration");
            exp.put("type", expirationType);
            exp.put("endDateTime", expirationType.equals("afterDateTime") ? Json.time(end) : null);
            exp.put("duration", durationText);
        }
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
                info,
                ticketNumber,
                ticketSystem);
        if (action.removes()) {
            request.status = "Revoked";
        } else if (approvalRequired) {
            request.status = "PendingApproval";
            request.approvalId = UUID.randomUUID().toString();
            request.targetScheduleId = id;
        } else {
            boolean future = start.isAfter(now);
            request.status = future ? "Granted" : "Provisioned";
            request.completedDateTime = future ? start : now;
            // spec 2.2: targetScheduleId equals the request's id for assign, activate and extend (Graph's adminExtend
            // example too), so an update or extension answers with a schedule of its own that replaces the old one
            request.targetScheduleId = id;
        }
        if (request.isValidationOnly) {
            return request; // validated, nothing persisted
        }
        switch (action) {
            case ADMIN_ASSIGN ->
                store.add(new Schedule(
                        kind,
                        id,
                        principalId,
                        roleId,
                        scope,
                        appScope,
                        id,
                        now,
                        "Assigned",
                        "Direct",
                        null,
                        false,
                        start,
                        end,
                        expirationType,
                        durationText));
            case SELF_ACTIVATE -> {
                if (!approvalRequired) {
                    String memberType = eligibility.principalId.equalsIgnoreCase(principalId) ? "Direct" : "Group";
                    store.add(new Schedule(
                            kind,
                            id,
                            principalId,
                            roleId,
                            scope,
                            appScope,
                            id,
                            now,
                            "Activated",
                            memberType,
                            eligibility.id,
                            false,
                            start,
                            end,
                            expirationType,
                            durationText));
                }
            }
            case ADMIN_UPDATE, ADMIN_EXTEND -> {
                Schedule old = existing.get(0).schedule;
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
                        start,
                        end,
                        expirationType,
                        durationText);
                s.modifiedDateTime = now;
                store.replace(existing.get(0), s); // in place: the listing order does not change
            }
            case ADMIN_REMOVE, SELF_DEACTIVATE -> affected.forEach(store::remove);
            default -> throw new IllegalStateException(action.toString());
        }
        log(kind).add(request);
        return request;
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

    private static boolean supported(Kind kind, Action action) {
        return switch (action) {
            case ADMIN_ASSIGN, ADMIN_UPDATE, ADMIN_EXTEND, ADMIN_REMOVE -> true;
            case SELF_ACTIVATE, SELF_DEACTIVATE ->
                kind == Kind.ASSIGNMENT; // activation never goes through eligibility requests
            default -> false;
        };
    }

    private static boolean evaluatesRules(Action action) {
        return action == Action.ADMIN_ASSIGN
                || action == Action.ADMIN_UPDATE
                || action == Action.ADMIN_EXTEND
                || action == Action.SELF_ACTIVATE;
    }

    /** Direct eligibility, or eligibility of a role-assignable group the user is a member of (no nesting). */
    private Schedule findEligibility(String principalId, String roleId, String scope, Instant now) {
        List<String> candidates = new ArrayList<>();
        candidates.add(principalId);
        for (Group g : groups.values()) {
            if (g.isAssignableToRole && g.members.contains(key(principalId))) {
                candidates.add(g.id);
            }
        }
        for (String c : candidates) {
            // tenant-wide ("/" covers exactly the scope "/") or at the requested scope, whichever comes first
            Schedule s = eligibilities.firstCurrent(now, c, roleId, "/", scope);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    /** Admin writes by a signed-in user need an active Privileged Role Administrator or Global Administrator role. */
    private boolean holdsRoleAdministration(String userId, Instant now) {
        return assignments.firstCurrent(now, userId, BuiltInRoles.GLOBAL_ADMINISTRATOR, "/") != null
                || assignments.firstCurrent(now, userId, BuiltInRoles.PRIVILEGED_ROLE_ADMINISTRATOR, "/") != null;
    }

    private ObjectNode createdBy(Caller caller) {
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

    private static Instant time(String text) {
        try {
            return Json.parseTime(text);
        } catch (DateTimeParseException e) {
            throw GraphError.badRequest(
                    "BadRequest",
                    "Cannot convert the literal '" + text + "' to the expected type 'Edm.DateTimeOffset'.");
        }
    }

    private static Duration duration(String text) {
        try {
            return Json.parseDuration(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw GraphError.badRequest(
                    "BadRequest", "Cannot convert the literal '" + text + "' to the expected type 'Edm.Duration'.");
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    // ---------------------------------------------------------------- indexes

    /**
     * The form of an id under which {@link String#equalsIgnoreCase} (so {@link Schedule#covers} and
     * {@link RoleSchedules#scopesEqual}) becomes plain equality: per char, the lower case of the upper case, which
     * is what equalsIgnoreCase compares for chars outside the surrogate range (checked over all such pairs). Unlike
     * {@link #key} (toLowerCase) it folds a Greek capital sigma like every other sigma, and a dotted capital I to "i",
     * as equalsIgnoreCase matches them. {@code s} itself when nothing changes.
     */
    private static String fold(String s) {
        if (s == null) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (foldChar(c) != c) {
                char[] out = s.toCharArray();
                for (int j = i; j < out.length; j++) {
                    out[j] = foldChar(out[j]);
                }
                return new String(out);
            }
        }
        return s;
    }

    private static char foldChar(char c) {
        if (c < 0x80) {
            return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    /**
     * Whether {@link #fold} expresses equalsIgnoreCase for s: not when it holds surrogates (equalsIgnoreCase compares
     * supplementary characters by code point), where lookups scan instead. A fold keeps surrogates and never makes
     * one, so a foldable id can never match a stored id with surrogates, either way.
     */
    private static boolean foldable(String s) {
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                if (Character.isSurrogate(s.charAt(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** (principal, role, directory scope) folded: equal keys if and only if {@link Schedule#covers}, for foldable ids. */
    private record CoverKey(String principal, String role, String scope) {

        static CoverKey of(String principal, String role, String scope) {
            return new CoverKey(fold(principal), fold(role), fold(scope));
        }

        static boolean expresses(String principal, String role, String scope) {
            return foldable(principal) && foldable(role) && foldable(scope);
        }
    }

    /** A schedule's place in its store. An update or extension swaps the schedule and keeps the place. */
    private static final class Slot {
        static final Comparator<Slot> BY_SEQ = Comparator.comparingLong(s -> s.seq);
        static final Comparator<Slot> BY_END =
                Comparator.comparing((Slot s) -> s.end).thenComparingLong(s -> s.seq);

        final long seq; // listing order
        Schedule schedule;
        Instant end; // schedule.end as indexed in byEnd

        Slot(long seq) {
            this.seq = seq;
        }
    }

    /**
     * One kind's schedules, listed in insertion order (an update replaces in place), with indexes that agree
     * exactly with a scan of that listing:
     * <ul>
     *   <li>{@code byCover}: {@link CoverKey} to the slots it covers, in listing order (ids with surrogates: scan);
     *   <li>{@code byId}: schedule id (exact, like {@code cancel} compares it) to slots;
     *   <li>{@code byPrincipal}: folded principal, then {@link TenantState#key} of the role, to slots in listing
     *       order, for the directoryRole entries of transitiveMemberOf;
     *   <li>{@code byEnd}: slots with an end, soonest first, for the lazy expiry.
     * </ul>
     * The caller holds the tenant's lock.
     */
    private static final class ScheduleStore {
        private final Set<Slot> listed = new LinkedHashSet<>();
        private final Map<CoverKey, List<Slot>> byCover = new HashMap<>();
        private final Map<String, List<Slot>> byId = new HashMap<>();
        private final Map<String, Map<String, NavigableSet<Slot>>> byPrincipal = new HashMap<>();
        private final NavigableSet<Slot> byEnd = new TreeSet<>(Slot.BY_END);
        private long nextSeq;

        Stream<Schedule> all() {
            return listed.stream().map(slot -> slot.schedule);
        }

        void add(Schedule s) {
            Slot slot = new Slot(nextSeq++);
            listed.add(slot);
            index(slot, s);
        }

        void remove(Slot slot) {
            if (listed.remove(slot)) {
                unindex(slot);
            }
        }

        void replace(Slot slot, Schedule s) {
            unindex(slot);
            index(slot, s);
        }

        /** Removes the schedules whose end has passed: end <= now. */
        void purge(Instant now) {
            while (!byEnd.isEmpty() && !byEnd.first().end.isAfter(now)) {
                remove(byEnd.first());
            }
        }

        /** The slots covering (principal, role, scope), in listing order; a copy, so the caller may change the store. */
        List<Slot> covering(String principal, String role, String scope) {
            return List.copyOf(matching(principal, role, scope));
        }

        /** The first current schedule, in listing order, covering (principal, role, one of the scopes); or null. */
        Schedule firstCurrent(Instant now, String principal, String role, String... scopes) {
            Slot first = null;
            for (String scope : scopes) {
                for (Slot slot : matching(principal, role, scope)) {
                    if (slot.schedule.current(now)) {
                        if (first == null || slot.seq < first.seq) {
                            first = slot;
                        }
                        break;
                    }
                }
            }
            return first == null ? null : first.schedule;
        }

        /**
         * For each role the principal holds now, its first current schedule in listing order; in the order of those
         * schedules in the listing (so, as a scan of the listing meets the roles). Roles are told apart by
         * {@link TenantState#key}.
         */
        List<Schedule> firstCurrentPerRole(String principal, Instant now) {
            List<Slot> firsts = new ArrayList<>();
            if (!foldable(principal)) {
                Set<String> seen = new HashSet<>();
                for (Slot slot : listed) {
                    Schedule s = slot.schedule;
                    if (s.current(now)
                            && s.principalId.equalsIgnoreCase(principal)
                            && seen.add(key(s.roleDefinitionId))) {
                        firsts.add(slot);
                    }
                }
            } else {
                for (NavigableSet<Slot> ofRole :
                        byPrincipal.getOrDefault(fold(principal), Map.of()).values()) {
                    for (Slot slot : ofRole) { // after a purge only schedules that start later are skipped
                        if (slot.schedule.current(now)) {
                            firsts.add(slot);
                            break;
                        }
                    }
                }
                firsts.sort(Slot.BY_SEQ);
            }
            return firsts.stream().map(slot -> slot.schedule).toList();
        }

        /** Removes every schedule of the principal (compared ignoring case). */
        void removePrincipal(String principal) {
            List<Slot> doomed = new ArrayList<>();
            if (!foldable(principal)) {
                listed.stream()
                        .filter(slot -> slot.schedule.principalId.equalsIgnoreCase(principal))
                        .forEach(doomed::add);
            } else {
                byPrincipal.getOrDefault(fold(principal), Map.of()).values().forEach(doomed::addAll);
            }
            doomed.forEach(this::remove);
        }

        /** Removes the schedules with this id (exact) that have not started at {@code now}. */
        void removeNotStarted(String id, Instant now) {
            if (id == null) {
                return;
            }
            for (Slot slot : List.copyOf(byId.getOrDefault(id, List.of()))) {
                if (slot.schedule.start.isAfter(now)) {
                    remove(slot);
                }
            }
        }

        /** The live bucket (do not change the store while iterating it), or the result of a scan. */
        private List<Slot> matching(String principal, String role, String scope) {
            if (principal == null || role == null) {
                return List.of(); // covers(null, ...) is false for every schedule
            }
            if (!CoverKey.expresses(principal, role, scope)) {
                return listed.stream()
                        .filter(slot -> slot.schedule.covers(principal, role, scope))
                        .toList();
            }
            return byCover.getOrDefault(CoverKey.of(principal, role, scope), List.of());
        }

        private void index(Slot slot, Schedule s) {
            slot.schedule = s;
            slot.end = s.end;
            CoverKey cover = CoverKey.of(s.principalId, s.roleDefinitionId, s.directoryScopeId);
            insert(byCover.computeIfAbsent(cover, k -> new ArrayList<>(1)), slot);
            insert(byId.computeIfAbsent(s.id, k -> new ArrayList<>(1)), slot);
            byPrincipal
                    .computeIfAbsent(fold(s.principalId), k -> new HashMap<>())
                    .computeIfAbsent(key(s.roleDefinitionId), k -> new TreeSet<>(Slot.BY_SEQ))
                    .add(slot);
            if (slot.end != null) {
                byEnd.add(slot);
            }
        }

        private void unindex(Slot slot) {
            Schedule s = slot.schedule;
            detach(byCover, CoverKey.of(s.principalId, s.roleDefinitionId, s.directoryScopeId), slot);
            detach(byId, s.id, slot);
            String principal = fold(s.principalId);
            Map<String, NavigableSet<Slot>> ofPrincipal = byPrincipal.get(principal);
            NavigableSet<Slot> ofRole = ofPrincipal.get(key(s.roleDefinitionId));
            ofRole.remove(slot);
            if (ofRole.isEmpty()) {
                ofPrincipal.remove(key(s.roleDefinitionId));
                if (ofPrincipal.isEmpty()) {
                    byPrincipal.remove(principal);
                }
            }
            if (slot.end != null) {
                byEnd.remove(slot);
            }
        }

        /** Keeps a bucket in listing order (buckets are short: a few schedules per key or id at most). */
        private static void insert(List<Slot> bucket, Slot slot) {
            int i = bucket.size();
            while (i > 0 && bucket.get(i - 1).seq > slot.seq) {
                i--;
            }
            bucket.add(i, slot);
        }

        private static <K> void detach(Map<K, List<Slot>> index, K key, Slot slot) {
            List<Slot> bucket = index.get(key);
            bucket.remove(slot);
            if (bucket.isEmpty()) {
                index.remove(key);
            }
        }
    }

    /**
     * One kind's request log: append-only apart from status changes, listed in order. Looked up by id (ignoring
     * case; the first request with that id, as a scan would find it) and, for selfActivate, by the pending
     * activations of a (principal, role, scope).
     */
    private static final class RequestLog {
        final List<ScheduleRequest> all = new ArrayList<>();
        private final Map<String, ScheduleRequest> byId = new HashMap<>();
        private final Map<CoverKey, List<ScheduleRequest>> pendingActivations = new HashMap<>();

        void add(ScheduleRequest r) {
            all.add(r);
            byId.putIfAbsent(fold(r.id), r);
            if (pendingActivation(r)) {
                pendingActivations
                        .computeIfAbsent(
                                CoverKey.of(r.principalId, r.roleDefinitionId, r.directoryScopeId),
                                k -> new ArrayList<>(1))
                        .add(r);
            }
        }

        ScheduleRequest find(String id) {
            if (id == null) {
                return null;
            }
            if (!foldable(id)) {
                return all.stream()
                        .filter(r -> r.id.equalsIgnoreCase(id))
                        .findFirst()
                        .orElse(null);
            }
            return byId.get(fold(id));
        }

        /** Call after changing a request's status: a request that is no longer pending leaves the pending index. */
        void statusChanged(ScheduleRequest r) {
            if (!pendingActivation(r)) {
                CoverKey k = CoverKey.of(r.principalId, r.roleDefinitionId, r.directoryScopeId);
                List<ScheduleRequest> bucket = pendingActivations.get(k);
                if (bucket != null && bucket.remove(r) && bucket.isEmpty()) {
                    pendingActivations.remove(k);
                }
            }
        }

        boolean hasPendingActivation(String principal, String role, String scope) {
            if (!CoverKey.expresses(principal, role, scope)) {
                return all.stream()
                        .anyMatch(q -> pendingActivation(q)
                                && q.principalId.equalsIgnoreCase(principal)
                                && q.roleDefinitionId.equalsIgnoreCase(role)
                                && RoleSchedules.scopesEqual(q.directoryScopeId, scope));
            }
            List<ScheduleRequest> bucket =
                    pendingActivations.getOrDefault(CoverKey.of(principal, role, scope), List.of());
            return bucket.stream().anyMatch(RequestLog::pendingActivation);
        }

        private static boolean pendingActivation(ScheduleRequest q) {
            return "PendingApproval".equals(q.status) && q.action == Action.SELF_ACTIVATE;
        }
    }
}
