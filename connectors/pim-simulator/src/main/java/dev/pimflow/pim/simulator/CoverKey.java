package dev.pimflow.pim.simulator;

import dev.pimflow.pim.simulator.RoleSchedules.Schedule;

/** (principal, role, directory scope) folded: equal keys if and only if {@link Schedule#covers}, for foldable ids. */
record CoverKey(String principal, String role, String scope) {

    static CoverKey of(String principal, String role, String scope) {
        return new CoverKey(IdFolding.fold(principal), IdFolding.fold(role), IdFolding.fold(scope));
    }

    static boolean expresses(String principal, String role, String scope) {
        return IdFolding.foldable(principal) && IdFolding.foldable(role) && IdFolding.foldable(scope);
    }
}
