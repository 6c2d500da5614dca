package dev.pimflow.workflow.security;

import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a person did, or tried to do, through an operator surface (DESIGN §6.8): one audit record with who
 * ({@code user:<id>}), what, on which activation (when the action names a process instance of one) and through which
 * surface ({@link RequestSurface}).
 */
@Component
public class OperatorAudit {
    private final AuditTrail audit;
    private final ActivationStore activations;
    private final TransactionTemplate ownTransaction;
    private final Clock clock;

    public OperatorAudit(
            AuditTrail audit, ActivationStore activations, PlatformTransactionManager transactions, Clock clock) {
        this.clock = clock;
        this.audit = audit;
        this.activations = activations;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Records in the caller's transaction: the record exists exactly when the action committed. */
    public void done(String userId, String outcome, String processInstanceId, Map<String, Object> details) {
        record(userId, AuditAction.OPERATOR_ACTION, outcome, processInstanceId, details);
    }

    /**
     * Records in a transaction of its own, because the refused action's transaction is rolled back. Bounded, since a
     * login without any role can be refused as often as it likes: at most {@link #REFUSALS_PER_WINDOW} records per user
     * and minute on each node, the rest counted in one {@code operations-refused-suppressed} record written with that
     * user's next refusal after the window. The record goes on the activation the operation names only when the user
     * holds a role that may read activations; anyone else's is a system record that names the claimed instance, so a
     * stranger cannot write into a chosen activation's trail.
     */
    public void refused(
            String userId,
            List<String> groups,
            String operation,
            String processInstanceId,
            Map<String, Object> details) {
        Window.Verdict verdict = windowOf(userId).admit(clock.instant());
        if (verdict.suppressedBefore() > 0) {
            ownTransaction.executeWithoutResult(s -> write(
                    userId,
                    AuditAction.OPERATIONS_REFUSED_SUPPRESSED,
                    String.valueOf(verdict.suppressedBefore()),
                    null,
                    null,
                    Map.of("suppressed", verdict.suppressedBefore(), "limitPerMinute", REFUSALS_PER_WINDOW)));
        }
        if (!verdict.record()) {
            return;
        }
        boolean mayRead = groups != null
                && (groups.contains(Roles.OPERATORS)
                        || groups.contains(Roles.AUDITORS)
                        || groups.contains(Roles.ADMINS));
        if (mayRead) {
            ownTransaction.executeWithoutResult(
                    s -> record(userId, AuditAction.OPERATION_REFUSED, operation, processInstanceId, details));
        } else {
            Map<String, Object> d = new LinkedHashMap<>(details);
            if (processInstanceId != null) {
                d.put("claimedProcessInstanceId", processInstanceId);
            }
            ownTransaction.executeWithoutResult(
                    s -> write(userId, AuditAction.OPERATION_REFUSED, operation, null, null, d));
        }
    }

    static final int REFUSALS_PER_WINDOW = 30;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private Window windowOf(String userId) {
        if (windows.size() > 10_000) {
            windows.clear(); // bounded memory; a cleared window only lets a few more records through
        }
        return windows.computeIfAbsent(userId, u -> new Window());
    }

    /** One user's refusals in the current minute. */
    private static final class Window {
        record Verdict(boolean record, long suppressedBefore) {}

        private Instant start = Instant.EPOCH;
        private int recorded;
        private long suppressed;

        synchronized Verdict admit(Instant now) {
            long carried = 0;
            if (now.isAfter(start.plus(WINDOW))) {
                carried = suppressed;
                start = now;
                recorded = 0;
                suppressed = 0;
            }
            if (recorded < REFUSALS_PER_WINDOW) {
                recorded++;
                return new Verdict(true, carried);
            }
            suppressed++;
            return new Verdict(false, carried);
        }
    }

    /** A person's action on one activation outside the engine (the development MFA gateway), in its own transaction. */
    public void onActivation(
            String userId, AuditAction action, String outcome, String activationId, Map<String, Object> details) {
        ownTransaction.executeWithoutResult(s -> {
            Activation a = activations.find(activationId).orElse(null);
            write(userId, action, outcome, a, null, details);
        });
    }

    private void record(
            String userId, AuditAction action, String outcome, String processInstanceId, Map<String, Object> details) {
        Activation a = processInstanceId == null
                ? null
                : activations.findByProcessInstance(processInstanceId).orElse(null);
        write(userId, action, outcome, a, processInstanceId, details);
    }

    private void write(
            String userId,
            AuditAction action,
            String outcome,
            Activation a,
            String processInstanceId,
            Map<String, Object> details) {
        Map<String, Object> d = new LinkedHashMap<>();
        RequestSurface.current()
                .ifPresentOrElse(
                        c -> {
                            d.put("surface", c.surface());
                            d.put("request", c.request());
                        },
                        () -> d.put("surface", "in-process"));
        if (processInstanceId != null) {
            d.put("processInstanceId", processInstanceId);
        }
        d.putAll(details);
        String actor = "user:" + userId;
        audit.record(
                a == null
                        ? AuditEntry.system(actor, action.wire(), outcome, d)
                        : a.auditEntry(actor, action.wire(), outcome, d));
    }
}
