package dev.pimflow.workflow.security;

import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.workflow.audit.AuditSignal;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a person did, or tried to do, through an operator surface (DESIGN §6.8): one audit record with who
 * ({@code user:<id>}), what, on which activation (when the action names a process instance of one) and through which
 * surface ({@link RequestSurface}).
 */
@Component
public class OperatorAudit {
    public static final String ACTION_DONE = "operator-action";
    public static final String ACTION_REFUSED = "operation-refused";

    private final AuditTrail audit;
    private final ActivationStore activations;
    private final AuditSignal signal;
    private final TransactionTemplate ownTransaction;

    public OperatorAudit(AuditTrail audit, ActivationStore activations, AuditSignal signal, PlatformTransactionManager transactions) {
        this.audit = audit;
        this.activations = activations;
        this.signal = signal;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Records in the caller's transaction: the record exists exactly when the action committed. */
    public void done(String userId, String outcome, String processInstanceId, Map<String, Object> details) {
        record(userId, ACTION_DONE, outcome, processInstanceId, details);
    }

    /** Records in a transaction of its own, because the refused action's transaction is rolled back. */
    public void refused(String userId, String operation, String processInstanceId, Map<String, Object> details) {
        ownTransaction.executeWithoutResult(s -> record(userId, ACTION_REFUSED, operation, processInstanceId, details));
    }

    /** A person's action on one activation outside the engine (the development MFA gateway), in its own transaction. */
    public void onActivation(String userId, String action, String outcome, String activationId, Map<String, Object> details) {
        ownTransaction.executeWithoutResult(s -> {
            Activation a = activations.find(activationId).orElse(null);
            write(userId, action, outcome, a, null, details);
        });
    }

    private void record(String userId, String action, String outcome, String processInstanceId, Map<String, Object> details) {
        Activation a = processInstanceId == null ? null : activations.findByProcessInstance(processInstanceId).orElse(null);
        write(userId, action, outcome, a, processInstanceId, details);
    }

    private void write(String userId, String action, String outcome, Activation a, String processInstanceId, Map<String, Object> details) {
        Map<String, Object> d = new LinkedHashMap<>();
        RequestSurface.current().ifPresentOrElse(c -> {
            d.put("surface", c.surface());
            d.put("request", c.request());
        }, () -> d.put("surface", "in-process"));
        if (processInstanceId != null) {
            d.put("processInstanceId", processInstanceId);
        }
        d.putAll(details);
        String actor = "user:" + userId;
        audit.record(a == null ? AuditEntry.system(actor, action, outcome, d)
                : new AuditEntry(a.id(), actor, action, outcome, a.ticketSystem(), a.ticketNumber(), a.principalId(),
                a.roleDefinitionId(), d));
        signal.wakeAfterCommit();
    }
}
