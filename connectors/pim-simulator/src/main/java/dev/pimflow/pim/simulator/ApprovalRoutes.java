package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.GraphPermissions.ASSIGNMENT_READ;
import static dev.pimflow.pim.simulator.GraphPermissions.ASSIGNMENT_WRITE;
import static dev.pimflow.pim.simulator.ODataResponses.entity;
import static dev.pimflow.pim.simulator.Routes.ID;
import static dev.pimflow.pim.simulator.Routes.RM;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The approvals of activations that wait for one ({@link RoleAssignmentApprovals}): read the approval and its steps,
 * decide a step. guess: the permissions are the assignment schedule's (read and write), as for the requests they
 * belong to.
 */
final class ApprovalRoutes {

    private static final String APPROVALS = "roleManagement/directory/roleAssignmentApprovals";

    private final Supplier<TenantState> state;
    private final ODataResponses odata;

    ApprovalRoutes(Supplier<TenantState> state, ODataResponses odata) {
        this.state = state;
        this.odata = odata;
    }

    void addTo(Routes routes) {
        routes.add(
                "GET",
                RM + "roleAssignmentApprovals/" + ID,
                false,
                ASSIGNMENT_READ,
                (c, m) -> entity(APPROVALS + "/$entity", state().approval(m.group(1), c.caller())));
        routes.add("GET", RM + "roleAssignmentApprovals/" + ID + "/steps", false, ASSIGNMENT_READ, (c, m) -> {
            List<ObjectNode> steps = new ArrayList<>();
            state().approval(m.group(1), c.caller()).get("steps").forEach(s -> steps.add((ObjectNode) s));
            return odata.collection(c, APPROVALS + "('" + m.group(1) + "')/steps", steps);
        });
        routes.add(
                "GET",
                RM + "roleAssignmentApprovals/" + ID + "/steps/" + ID,
                false,
                ASSIGNMENT_READ,
                (c, m) -> entity(
                        APPROVALS + "('" + m.group(1) + "')/steps/$entity",
                        state().approvalStep(m.group(1), m.group(2), c.caller())));
        routes.add("PATCH", RM + "roleAssignmentApprovals/" + ID + "/steps/" + ID, false, ASSIGNMENT_WRITE, (c, m) -> {
            state().decide(m.group(1), m.group(2), c.json(), c.caller());
            return Reply.of(204, null);
        });
    }

    private TenantState state() {
        return state.get();
    }
}
