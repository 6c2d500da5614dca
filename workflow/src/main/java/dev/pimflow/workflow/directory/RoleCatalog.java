package dev.pimflow.workflow.directory;

import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.RoleDefinition;
import dev.pimflow.workflow.config.PimProperties;
import java.time.Clock;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Role definitions and their activation policies, remembered for {@code pim.graph.role-cache-ttl}: they are the same
 * for every request of a role and change rarely, so validation does not ask Graph for them each time. Eligibility is
 * never cached. A policy made stricter in the meantime is still enforced: PIM checks its own policy again when the
 * orchestrator asks it to assign the role, and a refusal ends the activation denied with PIM's reason.
 */
@Component
public class RoleCatalog {
    /** More roles than a tenant defines (only roles that exist are remembered). */
    static final int MAX_ROLES = 10_000;

    private final PimDirectory pim;
    private final ExpiringCache<RoleDefinition> roles;
    private final ExpiringCache<ActivationPolicy> policies;

    public RoleCatalog(PimDirectory pim, Clock clock, PimProperties properties) {
        this.pim = pim;
        Duration ttl = properties.graph().roleCacheTtl();
        this.roles = new ExpiringCache<>(clock, ttl, MAX_ROLES);
        this.policies = new ExpiringCache<>(clock, ttl, MAX_ROLES);
    }

    /** The role definition; an unknown role throws PIM's {@code PimException} and is not remembered. */
    public RoleDefinition role(String roleDefinitionId) {
        return roles.get(roleDefinitionId, pim::roleDefinition);
    }

    public ActivationPolicy policy(String roleDefinitionId) {
        return policies.get(roleDefinitionId, pim::activationPolicy);
    }
}
