package dev.pimflow.workflow.directory;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.workflow.config.PimProperties;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Rejects a request that names a role or a principal the directory does not know, before anything is written, so it
 * goes to the DLT as bad input (DESIGN §6.5) instead of starting a process. Only a definite answer from PIM rejects:
 * when PIM is unreachable the request goes ahead and the process's own validation (retried) decides. It asks only
 * whether the principal exists ({@link PimDirectory#requirePrincipal}: one read with the Graph client), not whether it
 * is eligible: validation asks that of Graph a moment later.
 * <p>
 * A principal the directory answered for is remembered for {@code pim.precheck.principal-ttl}, so the listener does
 * not call Graph for every request of the same people. This only decides where a request for a principal deleted in
 * the meantime ends up (denied by the process's validation, which asks Graph again, instead of the DLT); nothing is
 * activated on the strength of the cache.
 */
@Component
public class RequestPrecheck {
    private static final Logger log = LoggerFactory.getLogger(RequestPrecheck.class);

    static final int MAX_REMEMBERED_PRINCIPALS = 100_000;

    private final PimDirectory pim;
    private final RoleCatalog roles;
    private final ExpiringCache<Boolean> knownPrincipals;

    public RequestPrecheck(PimDirectory pim, RoleCatalog roles, Clock clock, PimProperties properties) {
        this.pim = pim;
        this.roles = roles;
        this.knownPrincipals =
                new ExpiringCache<>(clock, properties.precheck().principalTtl(), MAX_REMEMBERED_PRINCIPALS);
    }

    public void check(ActivationRequested r) {
        try {
            roles.role(r.roleDefinitionId());
        } catch (PimException e) {
            reject(e, "data.roleDefinitionId", "unknown role");
        }
        try {
            knownPrincipals.get(r.principalId(), principal -> {
                pim.requirePrincipal(principal);
                return Boolean.TRUE;
            });
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
