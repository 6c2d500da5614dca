package dev.pimflow.workflow.process;

import static dev.pimflow.workflow.process.ProcessElements.Vars;

import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.Removal;
import dev.pimflow.pim.RemovalRequest;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Extensions;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Removes the assignment in PIM ({@code adminRemove}). An assignment PIM already expired counts as removed. Any
 * failure is thrown so the job executor retries it (the retry cycle is long: a revocation is never dropped).
 */
@Component("revokeRole")
public class RevokeRoleDelegate extends ActivationDelegate {
    private final PimDirectory pim;
    private final Extensions extensions;
    private final Approvals approvals;

    public RevokeRoleDelegate(
            ActivationStore store,
            PimDirectory pim,
            ActivationRecorder recorder,
            Extensions extensions,
            Approvals approvals) {
        super(store, recorder);
        this.pim = pim;
        this.extensions = extensions;
        this.approvals = approvals;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        String reason = String.valueOf(execution.getVariable(Vars.REVOKE_REASON));
        Removal removal = pim.remove(removalRequest(a, "Revoked by pimflow: " + reason));
        recorder.revoked(a, reason, removal);
        // an extension still waiting (for the person's MFA or its approvers) ends with the activation
        extensions.open(a.id()).ifPresent(x -> {
            if (extensions.closed(x.id(), Extensions.CANCELLED, reason, null)) {
                recorder.extensionCancelled(a, x, reason);
            }
        });
        approvals.closeAll(a.id(), Approvals.CANCELLED);
    }

    static RemovalRequest removalRequest(Activation a, String justification) {
        return new RemovalRequest(
                a.principalId(),
                a.roleDefinitionId(),
                a.directoryScopeId(),
                justification,
                a.ticketNumber(),
                a.ticketSystem());
    }
}
