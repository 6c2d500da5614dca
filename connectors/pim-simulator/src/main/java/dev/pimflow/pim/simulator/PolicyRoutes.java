package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.GraphPermissions.POLICY_READ;
import static dev.pimflow.pim.simulator.GraphPermissions.POLICY_WRITE;
import static dev.pimflow.pim.simulator.ODataResponses.entity;
import static dev.pimflow.pim.simulator.Routes.ID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Supplier;

/** Role management policies, their rules (read and PATCH) and the policy assignments. */
final class PolicyRoutes {

    private final Supplier<TenantState> state;
    private final ODataResponses odata;

    PolicyRoutes(Supplier<TenantState> state, ODataResponses odata) {
        this.state = state;
        this.odata = odata;
    }

    void addTo(Routes routes) {
        routes.add(
                "GET", "/policies/roleManagementPolicyAssignments", false, POLICY_READ, (c, m) -> policyAssignments(c));
        routes.add("GET", "/policies/roleManagementPolicyAssignments/" + ID, false, POLICY_READ, (c, m) -> {
            String id = m.group(1);
            String scopeType = id.startsWith("Directory_") ? "Directory" : "DirectoryRole";
            boolean[] exp = ExpandOptions.policyExpansion(c.query("$expand"), "policy");
            ObjectNode a = state().policyAssignments(scopeType, exp[0], exp[1]).stream()
                    .filter(x -> x.get("id").asText().equalsIgnoreCase(id))
                    .findFirst()
                    .orElseThrow(() -> GraphError.notFound(id));
            return entity("policies/roleManagementPolicyAssignments/$entity", a);
        });
        routes.add("GET", "/policies/roleManagementPolicies", false, POLICY_READ, (c, m) -> {
            String scopeType = requireScopeFilter(c);
            boolean rules = ExpandOptions.policyExpansion(c.query("$expand"), "rules")[0];
            return odata.collection(
                    c,
                    "policies/roleManagementPolicies" + (rules ? "(rules())" : ""),
                    state().policies(scopeType, rules));
        });
        routes.add("GET", "/policies/roleManagementPolicies/" + ID, false, POLICY_READ, (c, m) -> {
            boolean rules = ExpandOptions.policyExpansion(c.query("$expand"), "rules")[0];
            return entity("policies/roleManagementPolicies/$entity", state().policyById(m.group(1), rules));
        });
        routes.add(
                "GET",
                "/policies/roleManagementPolicies/" + ID + "/rules",
                false,
                POLICY_READ,
                (c, m) -> odata.collection(
                        c, "policies/roleManagementPolicies('" + m.group(1) + "')/rules", state().rules(m.group(1))));
        routes.add(
                "GET",
                "/policies/roleManagementPolicies/" + ID + "/rules/" + ID,
                false,
                POLICY_READ,
                (c, m) -> entity(
                        "policies/roleManagementPolicies('" + m.group(1) + "')/rules/$entity",
                        state().rule(m.group(1), m.group(2))));
        routes.add("PATCH", "/policies/roleManagementPolicies/" + ID + "/rules/" + ID, false, POLICY_WRITE, (c, m) -> {
            state().patchRule(m.group(1), m.group(2), c.json(), c.caller());
            return Reply.of(204, null);
        });
    }

    private Reply policyAssignments(Call c) {
        String scopeType = requireScopeFilter(c);
        boolean[] exp = ExpandOptions.policyExpansion(c.query("$expand"), "policy");
        String context = "policies/roleManagementPolicyAssignments"
                + (exp[0] ? (exp[1] ? "(policy(rules()))" : "(policy())") : "");
        return odata.collection(c, context, state().policyAssignments(scopeType, exp[0], exp[1]));
    }

    /** Graph requires the scope filter on policies and policy assignments (spec 5.1). */
    private static String requireScopeFilter(Call c) {
        Map<String, String> eq = ODataFilter.parse(c.query("$filter")).equalities();
        String scopeId = eq.get("scopeid");
        String scopeType = eq.get("scopetype");
        if (!"/".equals(scopeId)
                || scopeType == null
                || !(scopeType.equalsIgnoreCase("Directory") || scopeType.equalsIgnoreCase("DirectoryRole"))) {
            throw GraphError.badRequest(
                    "BadRequest",
                    "The $filter must include scopeId eq '/' and scopeType eq 'Directory' or 'DirectoryRole'.");
        }
        return scopeType.equalsIgnoreCase("Directory") ? "Directory" : "DirectoryRole";
    }

    private TenantState state() {
        return state.get();
    }
}
