package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.TenantState.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.simulator.DirectoryObjects.Group;
import dev.pimflow.pim.simulator.DirectoryObjects.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The tenant's users and groups: reads, group creation and owner/member references. The caller holds the tenant's
 * lock.
 */
final class TenantDirectory {

    private final Map<String, User> users = new LinkedHashMap<>();
    /** The same users by lower-case user principal name: Graph finds a user by either ({@code /users/{id | upn}}). */
    private final Map<String, User> usersByPrincipalName = new LinkedHashMap<>();

    private final Map<String, Group> groups = new LinkedHashMap<>();

    void addUser(User user) {
        User before = users.put(key(user.id()), user);
        if (before != null && before.userPrincipalName() != null) {
            usersByPrincipalName.remove(key(before.userPrincipalName()));
        }
        if (user.userPrincipalName() != null) {
            usersByPrincipalName.put(key(user.userPrincipalName()), user);
        }
    }

    void addGroup(Group group) {
        groups.put(key(group.id), group);
    }

    /** The user with this id (ignoring case), or null. */
    User findUser(String id) {
        return users.get(key(id));
    }

    /** The group with this id (ignoring case), or null. */
    Group findGroup(String id) {
        return groups.get(key(id));
    }

    /** The user with this object id or user principal name (ignoring case), else 404 {@code Request_ResourceNotFound}. */
    User requireUser(String idOrPrincipalName) {
        User u = users.get(key(idOrPrincipalName));
        if (u == null) {
            u = usersByPrincipalName.get(key(idOrPrincipalName));
        }
        if (u == null) {
            throw GraphError.resourceNotFound(idOrPrincipalName);
        }
        return u;
    }

    ObjectNode user(String idOrPrincipalName) {
        return requireUser(idOrPrincipalName).toJson();
    }

    List<ObjectNode> users() {
        return users.values().stream().map(User::toJson).toList();
    }

    /** The groups the user is a direct member of, as directory objects (a list the caller may add to). */
    List<ObjectNode> groupsWithMember(String userId) {
        List<ObjectNode> out = new ArrayList<>();
        for (Group g : groups.values()) {
            if (g.members.contains(key(userId))) {
                ObjectNode j = Json.obj();
                j.put("@odata.type", "#microsoft.graph.group");
                j.setAll(g.toJson());
                out.add(j);
            }
        }
        return out;
    }

    /** The ids of the role-assignable groups the principal is a direct member of (no nesting). */
    List<String> assignableGroupsWithMember(String principalId) {
        List<String> ids = new ArrayList<>();
        for (Group g : groups.values()) {
            if (g.isAssignableToRole && g.members.contains(key(principalId))) {
                ids.add(g.id);
            }
        }
        return ids;
    }

    ObjectNode group(String id) {
        return requireGroup(id).toJson();
    }

    List<ObjectNode> groups() {
        return groups.values().stream().map(Group::toJson).toList();
    }

    List<ObjectNode> groupMembers(String id, boolean owners) {
        Group g = requireGroup(id);
        List<ObjectNode> out = new ArrayList<>();
        for (String m : owners ? g.owners : g.members) {
            out.add(directoryObject(m));
        }
        return out;
    }

    /**
     * The group's members and their members' members (groups that are not role-assignable may hold groups), each once,
     * in the order first reached; with {@code usersOnly} (the {@code /microsoft.graph.user} cast) only the users.
     */
    List<ObjectNode> transitiveMembers(String id, boolean usersOnly) {
        List<ObjectNode> out = new ArrayList<>();
        for (String m : transitiveMemberIds(requireGroup(id))) {
            if (!usersOnly || users.containsKey(key(m))) {
                out.add(directoryObject(m));
            }
        }
        return out;
    }

    /** The ids of the group's members, transitively, each once (lower-case keys). */
    Set<String> transitiveMemberIds(Group group) {
        Set<String> seen = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<Group> todo = new java.util.ArrayDeque<>(List.of(group));
        Set<String> visited = new java.util.HashSet<>(Set.of(key(group.id)));
        while (!todo.isEmpty()) {
            for (String m : todo.poll().members) {
                if (seen.add(key(m))) {
                    Group nested = groups.get(key(m));
                    if (nested != null && visited.add(key(nested.id))) {
                        todo.add(nested);
                    }
                }
            }
        }
        return seen;
    }

    private Group requireGroup(String id) {
        Group g = groups.get(key(id));
        if (g == null) {
            throw GraphError.resourceNotFound(id);
        }
        return g;
    }

    /** The principal as an expandable directory object, or null. */
    ObjectNode principal(String id) {
        if (users.containsKey(key(id)) || groups.containsKey(key(id))) {
            return directoryObject(id);
        }
        return null;
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

    String displayName(String userId) {
        User u = userId == null ? null : users.get(key(userId));
        return u == null ? null : u.displayName();
    }

    ObjectNode createGroup(JsonNode body, Instant now) {
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
        List<String> groupTypes = groupTypes(body, assignable, securityEnabled);
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

    /** The body's groupTypes, checked against what a role-assignable group may be. */
    private static List<String> groupTypes(JsonNode body, boolean assignable, boolean securityEnabled) {
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
        return groupTypes;
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

    private static String lastSegment(String url) {
        String s = url.trim();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.substring(s.lastIndexOf('/') + 1);
    }

    void addGroupReference(String groupId, JsonNode body, boolean owner) {
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

    void removeGroupReference(String groupId, String memberId, boolean owner) {
        Group g = requireGroup(groupId);
        if (!(owner ? g.owners : g.members).remove(key(memberId))) {
            throw GraphError.resourceNotFound(memberId);
        }
    }

    /** Removes the group and answers its id as stored. */
    String deleteGroup(String id) {
        Group g = requireGroup(id);
        groups.remove(key(g.id));
        return g.id;
    }
}
