package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.IdFolding.fold;
import static dev.pimflow.pim.simulator.IdFolding.foldable;

import dev.pimflow.pim.simulator.RoleSchedules.Action;
import dev.pimflow.pim.simulator.RoleSchedules.ScheduleRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One kind's request log: append-only apart from status changes, listed in order. Looked up by id (ignoring
 * case; the first request with that id, as a scan would find it) and, for selfActivate, by the pending
 * activations of a (principal, role, scope).
 */
final class RequestLog {
    final List<ScheduleRequest> all = new ArrayList<>();
    private final Map<String, ScheduleRequest> byId = new HashMap<>();
    private final Map<CoverKey, List<ScheduleRequest>> pendingActivations = new HashMap<>();

    void add(ScheduleRequest r) {
        all.add(r);
        byId.putIfAbsent(fold(r.id), r);
        if (pendingActivation(r)) {
            pendingActivations
                    .computeIfAbsent(
                            CoverKey.of(r.principalId, r.roleDefinitionId, r.directoryScopeId), k -> new ArrayList<>(1))
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
        List<ScheduleRequest> bucket = pendingActivations.getOrDefault(CoverKey.of(principal, role, scope), List.of());
        return bucket.stream().anyMatch(RequestLog::pendingActivation);
    }

    private static boolean pendingActivation(ScheduleRequest q) {
        return "PendingApproval".equals(q.status) && q.action == Action.SELF_ACTIVATE;
    }
}
