package dev.pimflow.workflow.metrics;

import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.ActiveRoleAssignment;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.AssignmentRequest;
import dev.pimflow.pim.Eligibility;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.Removal;
import dev.pimflow.pim.RemovalRequest;
import dev.pimflow.pim.RoleDefinition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link PimDirectory} that measures the one it wraps:
 * <ul>
 *   <li>{@value #CALLS} [{@code pimflow_graph_calls_seconds{operation,outcome}}]: every call, with the client's own
 *       in-call retries, {@code outcome} {@code success} or {@code error};</li>
 *   <li>{@value #ERRORS} [{@code pimflow_graph_errors_total{operation,code,kind}}]: failed calls by Graph's error code
 *       (or the client's, e.g. {@code Timeout}) and by what the orchestrator does about it ({@code deny}, {@code retry},
 *       {@code incident}; {@code unexpected} for anything that is not a {@link PimException}).</li>
 * </ul>
 */
public final class MeteredPimDirectory implements PimDirectory {
    public static final String CALLS = "pimflow.graph.calls";
    public static final String ERRORS = "pimflow.graph.errors";

    private final PimDirectory delegate;
    private final MeterRegistry registry;

    public MeteredPimDirectory(PimDirectory delegate, MeterRegistry registry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public RoleDefinition roleDefinition(String roleDefinitionId) {
        return measure("roleDefinition", () -> delegate.roleDefinition(roleDefinitionId));
    }

    @Override
    public void requirePrincipal(String principalId) {
        measure("requirePrincipal", () -> {
            delegate.requirePrincipal(principalId);
            return null;
        });
    }

    @Override
    public Optional<String> userObjectId(String person) {
        return measure("userObjectId", () -> delegate.userObjectId(person));
    }

    @Override
    public Eligibility eligibility(String principalId, String roleDefinitionId, String directoryScopeId) {
        return measure("eligibility", () -> delegate.eligibility(principalId, roleDefinitionId, directoryScopeId));
    }

    @Override
    public ActivationPolicy activationPolicy(String roleDefinitionId) {
        return measure("activationPolicy", () -> delegate.activationPolicy(roleDefinitionId));
    }

    @Override
    public Assignment assign(AssignmentRequest request) {
        return measure("assign", () -> delegate.assign(request));
    }

    @Override
    public Assignment selfActivate(AssignmentRequest request, String delegatedAccessToken) {
        return measure("selfActivate", () -> delegate.selfActivate(request, delegatedAccessToken));
    }

    @Override
    public java.util.Set<String> approverUserIds(java.util.List<dev.pimflow.pim.Approver> approvers) {
        return measure("approverUserIds", () -> delegate.approverUserIds(approvers));
    }

    @Override
    public Assignment extend(dev.pimflow.pim.ExtensionRequest request) {
        return measure("extend", () -> delegate.extend(request));
    }

    @Override
    public Assignment activationRequest(String requestId) {
        return measure("activationRequest", () -> delegate.activationRequest(requestId));
    }

    @Override
    public boolean cancelRequest(String requestId) {
        return measure("cancelRequest", () -> delegate.cancelRequest(requestId));
    }

    @Override
    public Removal remove(RemovalRequest request) {
        return measure("remove", () -> delegate.remove(request));
    }

    @Override
    public List<ActiveRoleAssignment> roleAssignments(String principalId) {
        return measure("roleAssignments", () -> delegate.roleAssignments(principalId));
    }

    private <T> T measure(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "success";
            return result;
        } catch (PimException e) {
            error(operation, e.code(), e.kind().name().toLowerCase(Locale.ROOT));
            throw e;
        } catch (RuntimeException e) {
            error(operation, e.getClass().getSimpleName(), "unexpected");
            throw e;
        } finally {
            Timer.builder(CALLS)
                    .description("Calls to Microsoft Graph (PIM), including the client's in-call retries")
                    .tag("operation", operation)
                    .tag("outcome", outcome)
                    .serviceLevelObjectives(
                            Duration.ofMillis(100),
                            Duration.ofMillis(250),
                            Duration.ofMillis(500),
                            Duration.ofSeconds(1),
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(5),
                            Duration.ofSeconds(10),
                            Duration.ofSeconds(30))
                    .register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private void error(String operation, String code, String kind) {
        Counter.builder(ERRORS)
                .description("Failed calls to Microsoft Graph (PIM) by error code and handling")
                .tag("operation", operation)
                .tag("code", code == null || code.isBlank() ? "unknown" : code)
                .tag("kind", kind)
                .register(registry)
                .increment();
    }
}
