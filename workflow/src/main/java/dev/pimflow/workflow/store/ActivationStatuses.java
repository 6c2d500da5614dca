package dev.pimflow.workflow.store;

import dev.pimflow.contracts.ActivationStatus;
import java.util.Set;

/** Statuses of DESIGN §4 plus the internal {@code requested} before the request was validated. */
public final class ActivationStatuses {
    public static final String REQUESTED = "requested";
    public static final Set<String> LIVE = Set.of(REQUESTED, ActivationStatus.PENDING_MFA, ActivationStatus.ACTIVE);

    private ActivationStatuses() {}
}
