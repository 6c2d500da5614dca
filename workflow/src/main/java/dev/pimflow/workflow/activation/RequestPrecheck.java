package dev.pimflow.workflow.activation;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rejects a request that names a role or a principal the directory does not know, before anything is written, so it
 * goes to the DLT as bad input (DESIGN §6.5) instead of starting a process. Only a definite answer from PIM rejects:
 * when PIM is unreachable the request goes ahead and the process's own validation (retried) decides.
 */
@Component
public class RequestPrecheck {
    private static final Logger log = LoggerFactory.getLogger(RequestPrecheck.class);

    private final PimDirectory pim;
    private final Map<String, Boolean> knownRoles = new ConcurrentHashMap<>();

    public RequestPrecheck(PimDirectory pim) {
        this.pim = pim;
    }

    public void check(ActivationRequested r) {
        try {
            if (!knownRoles.containsKey(r.roleDefinitionId().toLowerCase())) {
                pim.roleDefinition(r.roleDefinitionId());
                knownRoles.put(r.roleDefinitionId().toLowerCase(), Boolean.TRUE);
            }
        } catch (PimException e) {
            reject(e, "data.roleDefinitionId", "unknown role");
        }
        try {
            pim.eligibility(r.principalId(), r.roleDefinitionId(), r.directoryScopeId());
        } catch (PimException e) {
            reject(e, "data.principalId", "unknown principal");
        }
    }

    private static void reject(PimException e, String field, String what) {
        if (e.kind() == PimException.Kind.DENY) {
            throw new InvalidEventException(field, what + " (" + e.code() + ")");
        }
        log.warn("Could not pre-check {} with PIM ({}); the process will validate it", field, e.code());
    }
}
