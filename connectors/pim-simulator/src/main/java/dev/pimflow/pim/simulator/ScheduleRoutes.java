package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.GraphPermissions.ASSIGNMENT_READ;
import static dev.pimflow.pim.simulator.GraphPermissions.ASSIGNMENT_WRITE;
import static dev.pimflow.pim.simulator.GraphPermissions.ELIGIBILITY_READ;
import static dev.pimflow.pim.simulator.GraphPermissions.ELIGIBILITY_WRITE;
import static dev.pimflow.pim.simulator.ODataResponses.entity;
import static dev.pimflow.pim.simulator.ODataResponses.withContext;
import static dev.pimflow.pim.simulator.Routes.ID;
import static dev.pimflow.pim.simulator.Routes.KIND;
import static dev.pimflow.pim.simulator.Routes.RM;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.simulator.RoleSchedules.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Eligibility and assignment schedule requests (submit, read, cancel), schedules and schedule instances, each
 * also as {@code filterByCurrentUser(on='principal')}.
 */
final class ScheduleRoutes {

    private final Supplier<TenantState> state;
    private final ODataResponses odata;

    ScheduleRoutes(Supplier<TenantState> state, ODataResponses odata) {
        this.state = state;
        this.odata = odata;
    }

    void addTo(Routes routes) {
        addRequestRoutes(routes);
        addScheduleRoutes(routes);
    }

    private void addRequestRoutes(Routes routes) {
        routes.add("POST", RM + KIND + "ScheduleRequests", false, null, (c, m) -> {
            Kind kind = kind(m.group(1));
            c.caller().requireAny(false, kind == Kind.ELIGIBILITY ? ELIGIBILITY_WRITE : ASSIGNMENT_WRITE);
            ObjectNode request = state().submit(kind, c.json(), c.caller()).toJson();
            return Reply.of(
                    201, withContext("roleManagement/directory/" + kind.prefix + "ScheduleRequests/$entity", request));
        });
        routes.add("GET", RM + KIND + "ScheduleRequests/filterByCurrentUser\\(on='(\\w+)'\\)", false, null, (c, m) -> {
            Kind kind = readable(c, m.group(1));
            List<ObjectNode> mine = currentUser(c, m.group(2), state().requests(kind));
            return odata.expanded(c, "roleManagement/directory/" + kind.prefix + "ScheduleRequests", mine, false);
        });
        routes.add("GET", RM + KIND + "ScheduleRequests", false, null, (c, m) -> {
            Kind kind = readable(c, m.group(1));
            return odata.expanded(
                    c, "roleManagement/directory/" + kind.prefix + "ScheduleRequests", state().requests(kind), false);
        });
        routes.add("GET", RM + KIND + "ScheduleRequests/" + ID, false, null, (c, m) -> {
            Kind kind = readable(c, m.group(1));
            ObjectNode r = odata.expand(c, state().request(kind, m.group(2)));
            return entity("roleManagement/directory/" + kind.prefix + "ScheduleRequests/$entity", r);
        });
        routes.add("POST", RM + KIND + "ScheduleRequests/" + ID + "/cancel", false, null, (c, m) -> {
            Kind kind = kind(m.group(1));
            c.caller().requireAny(false, kind == Kind.ELIGIBILITY ? ELIGIBILITY_WRITE : ASSIGNMENT_WRITE);
            state().cancel(kind, m.group(2));
            return Reply.of(204, null);
        });
    }

    /** Schedules and instances. */
    private void addScheduleRoutes(Routes routes) {
        for (String suffix : List.of("Schedules", "ScheduleInstances")) {
            boolean instances = suffix.equals("ScheduleInstances");
            routes.add("GET", RM + KIND + suffix + "/filterByCurrentUser\\(on='(\\w+)'\\)", false, null, (c, m) -> {
                Kind kind = readable(c, m.group(1));
                List<ObjectNode> mine =
                        currentUser(c, m.group(2), instances ? state().instances(kind) : state().schedules(kind));
                String type = "unifiedRole" + (kind == Kind.ELIGIBILITY ? "Eligibility" : "Assignment")
                        + suffix.substring(0, suffix.length() - 1);
                mine.forEach(i -> {
                    ObjectNode copy = i.deepCopy();
                    i.removeAll();
                    i.put("@odata.type", "#microsoft.graph." + type);
                    i.setAll(copy);
                });
                return odata.expanded(c, "Collection(" + type + ")", mine, true);
            });
            routes.add("GET", RM + KIND + suffix, false, null, (c, m) -> {
                Kind kind = readable(c, m.group(1));
                return odata.expanded(
                        c,
                        "roleManagement/directory/" + kind.prefix + suffix,
                        instances ? state().instances(kind) : state().schedules(kind),
                        false);
            });
        }
    }

    private static Kind kind(String prefix) {
        return prefix.equalsIgnoreCase("roleEligibility") ? Kind.ELIGIBILITY : Kind.ASSIGNMENT;
    }

    private static Kind readable(Call c, String prefix) {
        Kind kind = kind(prefix);
        c.caller().requireAny(false, kind == Kind.ELIGIBILITY ? ELIGIBILITY_READ : ASSIGNMENT_READ);
        return kind;
    }

    /** filterByCurrentUser(on='principal'): the caller's own items, not those reached through groups. */
    private static List<ObjectNode> currentUser(Call c, String on, List<ObjectNode> items) {
        if (!on.equalsIgnoreCase("principal")) {
            throw GraphError.badRequest(
                    "notSupported", "The simulator supports filterByCurrentUser(on='principal') only.");
        }
        if (c.caller().appOnly()) {
            throw GraphError.badRequest(
                    "BadRequest", "filterByCurrentUser needs a signed-in user (a delegated token).");
        }
        return new ArrayList<>(items.stream()
                .filter(i -> c.caller().oid().equalsIgnoreCase(Json.text(i, "principalId")))
                .toList());
    }

    private TenantState state() {
        return state.get();
    }
}
