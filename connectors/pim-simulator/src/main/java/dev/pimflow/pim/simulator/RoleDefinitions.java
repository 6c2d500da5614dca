package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.TenantState.key;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The tenant's role definitions (the built-in roles) and their Graph JSON shapes. */
final class RoleDefinitions {

    private final Map<String, BuiltInRoles.Role> roles = new LinkedHashMap<>();

    RoleDefinitions() {
        for (BuiltInRoles.Role r : BuiltInRoles.ALL) {
            roles.put(key(r.id()), r);
        }
    }

    /** The role with this id (ignoring case), or null. */
    BuiltInRoles.Role find(String id) {
        return roles.get(key(id));
    }

    ObjectNode roleDefinition(String id) {
        BuiltInRoles.Role r = roles.get(key(id));
        if (r == null) {
            throw GraphError.notFound(id);
        }
        return roleJson(r);
    }

    List<ObjectNode> roleDefinitions() {
        return roles.values().stream().map(RoleDefinitions::roleJson).toList();
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

    /** An active role as transitiveMemberOf lists it: a directoryRole object. */
    ObjectNode directoryRole(String roleDefinitionId) {
        BuiltInRoles.Role r = roles.get(key(roleDefinitionId));
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
        return j;
    }
}
