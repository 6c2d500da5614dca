package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.GraphPermissions.ROLE_READ;
import static dev.pimflow.pim.simulator.ODataResponses.entity;
import static dev.pimflow.pim.simulator.Routes.ID;
import static dev.pimflow.pim.simulator.Routes.RM;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;

/** Role definitions and the active role assignments ({@code roleAssignments}). */
final class RoleRoutes {

    private final Supplier<TenantState> state;
    private final ODataResponses odata;

    RoleRoutes(Supplier<TenantState> state, ODataResponses odata) {
        this.state = state;
        this.odata = odata;
    }

    void addTo(Routes routes) {
        routes.add(
                "GET",
                RM + "roleDefinitions",
                false,
                ROLE_READ,
                (c, m) -> odata.collection(c, "roleManagement/directory/roleDefinitions", state().roleDefinitions()));
        routes.add(
                "GET",
                RM + "roleDefinitions/" + ID,
                false,
                ROLE_READ,
                (c, m) ->
                        entity("roleManagement/directory/roleDefinitions/$entity", state().roleDefinition(m.group(1))));
        routes.add(
                "GET",
                RM + "roleAssignments",
                false,
                ROLE_READ,
                (c, m) -> odata.expanded(
                        c, "roleManagement/directory/roleAssignments", state().roleAssignments(), false));
        routes.add("GET", RM + "roleAssignments/" + ID, false, ROLE_READ, (c, m) -> {
            ObjectNode a = state().roleAssignments().stream()
                    .filter(x -> x.get("id").asText().equals(m.group(1)))
                    .findFirst()
                    .orElseThrow(() -> GraphError.notFound(m.group(1)));
            return entity("roleManagement/directory/roleAssignments/$entity", a);
        });
    }

    private TenantState state() {
        return state.get();
    }
}
