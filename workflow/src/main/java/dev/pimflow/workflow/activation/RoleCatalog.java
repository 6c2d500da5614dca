package dev.pimflow.workflow.activation;

import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.RoleDefinition;
import dev.pimflow.workflow.config.PimProperties;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Role definitions and their activation policies, remembered for {@code pim.graph.role-cache-ttl}: they are the same
 * for every request of a role and change rarely, so validation does not ask Graph for them each time. Eligibility is
 * never cached. A policy made stricter in the meantime is still enforced: PIM checks its own policy again when the
 * orchestrator asks it to assign the role, and a refusal ends the activation denied with PIM's reason.
 */
@Component
public class RoleCatalog {
    private final PimDirectory pim;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Cached<RoleDefinition>> roles = new ConcurrentHashMap<>();
    private final Map<String, Cached<ActivationPolicy>> policies = new ConcurrentHashMap<>();

    public RoleCatalog(PimDirectory pim, Clock clock, PimProperties properties) {
        this.pim = pim;
        this.clock = clock;
        this.ttl = properties.graph().roleCacheTtl();
    }

    /** The role definition; an unknown role throws PIM's {@code PimException} and is not remembered. */
    public RoleDefinition role(String roleDefinitionId) {
        return cached(roles, roleDefinitionId, pim::roleDefinition);
    }

    public ActivationPolicy policy(String roleDefinitionId) {
        return cached(policies, roleDefinitionId, pim::activationPolicy);
    }

    private <T> T cached(Map<String, Cached<T>> cache, String id, Function<String, T> load) {
        String key = id.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        Cached<T> hit = cache.get(key);
        if (hit != null && now.isBefore(hit.until())) {
            return hit.value();
        }
        T value = load.apply(id);
        if (!ttl.isZero() && !ttl.isNegative()) {
            cache.put(key, new Cached<>(value, now.plus(ttl)));
        }
        return value;
    }

    private record Cached<T>(T value, Instant until) {
    }
}
