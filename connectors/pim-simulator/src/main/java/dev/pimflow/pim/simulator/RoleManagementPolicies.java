package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.TenantState.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.simulator.TenantState.Policy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The role management policies, one per role definition, with their rules: the policy and policy-assignment
 * listings and the PATCH of a rule. The caller holds the tenant's lock.
 */
final class RoleManagementPolicies {

    private final String tenantId;
    private final Clock clock;
    private final TenantDirectory directory;
    private final Map<String, Policy> policies = new LinkedHashMap<>();

    RoleManagementPolicies(String tenantId, Clock clock, TenantDirectory directory) {
        this.tenantId = tenantId;
        this.clock = clock;
        this.directory = directory;
        for (BuiltInRoles.Role r : BuiltInRoles.ALL) {
            String guid = UUID.nameUUIDFromBytes(("policy:" + r.id()).getBytes(StandardCharsets.UTF_8))
                    .toString();
            policies.put(key(r.id()), new Policy(r.id(), guid, PolicyRules.defaults()));
        }
    }

    /** The policy of the role definition (ignoring case), or null. */
    Policy of(String roleDefinitionId) {
        return policies.get(key(roleDefinitionId));
    }

    List<ObjectNode> policyAssignments(String scopeType, boolean expandPolicy, boolean expandRules) {
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

    List<ObjectNode> policies(String scopeType, boolean expandRules) {
        return policies.values().stream()
                .map(p -> policyJson(p, scopeType, expandRules))
                .toList();
    }

    ObjectNode policyById(String policyId, boolean expandRules) {
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

    ObjectNode rule(String policyId, String ruleId) {
        Policy p = policyByIdOrThrow(policyId);
        ObjectNode r = ruleOrThrow(p, ruleId);
        return r.deepCopy();
    }

    List<ObjectNode> rules(String policyId) {
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
    void patchRule(String policyId, String ruleId, JsonNode body, Caller caller) {
        Policy p = policyByIdOrThrow(policyId);
        ObjectNode rule = ruleOrThrow(p, ruleId);
        checkPatch(rule, ruleId, body);
        ObjectNode updated = rule.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("id") || e.getKey().equals("@odata.type")) {
                continue;
            }
            if (e.getKey().equals("target") && e.getValue().isObject()) {
                updated.set("target", patchedTarget(rule, e.getValue()));
            } else {
                updated.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        p.rules.put(rule.get("id").asText(), updated);
        p.lastModifiedDateTime = clock.instant();
        p.lastModifiedById = caller.appOnly() ? caller.appId() : caller.oid();
        p.lastModifiedByName = caller.appOnly() ? caller.appDisplayName() : directory.displayName(caller.oid());
    }

    private static void checkPatch(ObjectNode rule, String ruleId, JsonNode body) {
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
    }

    /** The rule's target with the patch's properties (not its {@code @odata} annotations) on top. */
    private static ObjectNode patchedTarget(ObjectNode rule, JsonNode patch) {
        ObjectNode target = PolicyRules.target(
                rule.path("target").path("caller").asText(),
                rule.path("target").path("level").asText());
        patch.fields().forEachRemaining(t -> {
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
        return target;
    }

    private static String normaliseType(String t) {
        return t.startsWith("#") ? t.substring(1) : t;
    }
}
