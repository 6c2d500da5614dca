package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.GraphPermissions.DIRECTORY_READ;
import static dev.pimflow.pim.simulator.GraphPermissions.GROUP_WRITE;
import static dev.pimflow.pim.simulator.GraphPermissions.GROUP_WRITE_AND_ROLES;
import static dev.pimflow.pim.simulator.GraphPermissions.GROUP_WRITE_OR_CREATE;
import static dev.pimflow.pim.simulator.GraphPermissions.USER_READ;
import static dev.pimflow.pim.simulator.ODataResponses.entity;
import static dev.pimflow.pim.simulator.Routes.ID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.function.Supplier;

/** Groups (with their owners and members) and users. */
final class DirectoryRoutes {

    private final Supplier<TenantState> state;
    private final ODataResponses odata;
    private final Clock clock;

    DirectoryRoutes(Supplier<TenantState> state, ODataResponses odata, Clock clock) {
        this.state = state;
        this.odata = odata;
        this.clock = clock;
    }

    void addTo(Routes routes) {
        routes.add("POST", "/groups", true, GROUP_WRITE_OR_CREATE, (c, m) -> createGroup(c));
        routes.add("GET", "/groups", true, DIRECTORY_READ, (c, m) -> odata.collection(c, "groups", state().groups()));
        routes.add(
                "GET",
                "/groups/" + ID,
                true,
                DIRECTORY_READ,
                (c, m) -> entity("groups/$entity", state().group(m.group(1))));
        routes.add("DELETE", "/groups/" + ID, true, GROUP_WRITE, (c, m) -> {
            state().deleteGroup(m.group(1));
            return Reply.of(204, null);
        });
        routes.add(
                "GET",
                "/groups/" + ID + "/(members|owners)",
                true,
                DIRECTORY_READ,
                (c, m) -> odata.collection(
                        c,
                        "directoryObjects",
                        state().groupMembers(m.group(1), m.group(2).equalsIgnoreCase("owners"))));
        // the cast to users answers the users only, as Graph's OData cast does (context "users"); $select honoured
        routes.add(
                "GET",
                "/groups/" + ID + "/transitiveMembers(/microsoft\\.graph\\.user)?",
                true,
                DIRECTORY_READ,
                (c, m) -> {
                    boolean users = m.group(2) != null;
                    return odata.selectedCollection(
                            c, users ? "users" : "directoryObjects", state().groupTransitiveMembers(m.group(1), users));
                });
        routes.add("POST", "/groups/" + ID + "/(members|owners)/\\$ref", true, GROUP_WRITE_AND_ROLES, (c, m) -> {
            state().addGroupReference(m.group(1), c.json(), m.group(2).equalsIgnoreCase("owners"));
            return Reply.of(204, null);
        });
        routes.add(
                "DELETE",
                "/groups/" + ID + "/(members|owners)/" + ID + "/\\$ref",
                true,
                GROUP_WRITE_AND_ROLES,
                (c, m) -> {
                    state().removeGroupReference(
                                    m.group(1), m.group(3), m.group(2).equalsIgnoreCase("owners"));
                    return Reply.of(204, null);
                });
        // by $filter (mail, userPrincipalName...) or by object id or user principal name; both honour $select
        routes.add("GET", "/users", true, USER_READ, (c, m) -> odata.selectedCollection(c, "users", state().users()));
        routes.add(
                "GET",
                "/users/" + ID,
                true,
                USER_READ,
                (c, m) -> ODataResponses.selectedEntity(c, "users", state().user(m.group(1))));
        routes.add(
                "GET",
                "/users/" + ID + "/(transitiveMemberOf|memberOf)",
                true,
                DIRECTORY_READ,
                (c, m) -> odata.collection(c, "directoryObjects", state().transitiveMemberOf(m.group(1))));
    }

    private Reply createGroup(Call c) {
        JsonNode body = c.json();
        if (Json.bool(body, "isAssignableToRole", false)) {
            c.caller().requireAny(true, "RoleManagement.ReadWrite.Directory");
        }
        ObjectNode g = state().createGroup(body, clock.instant());
        ObjectNode out = Json.obj();
        out.put("@odata.context", Json.CONTEXT_BASE + "groups/$entity");
        out.put(
                "@odata.id",
                "https://graph.microsoft.com/v2/" + ContosoTenant.TENANT_ID + "/directoryObjects/"
                        + g.get("id").asText() + "/Microsoft.DirectoryServices.Group");
        out.setAll(g);
        return Reply.of(201, out);
    }

    private TenantState state() {
        return state.get();
    }
}
