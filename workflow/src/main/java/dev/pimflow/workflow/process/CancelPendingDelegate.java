package dev.pimflow.workflow.process;

import static dev.pimflow.workflow.process.ProcessElements.Vars;

import dev.pimflow.contracts.Reason;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.Removal;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.SelfActivations;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The ticket closed (or, with {@code pim.tickets.require-assignee}, was reassigned to others) before the activation
 * became active. An activation call may have reached PIM just before the
 * closure interrupted it, so the assignment is removed if it exists; then the cancellation is recorded.
 */
@Component("cancelPending")
public class CancelPendingDelegate extends ActivationDelegate {
    private final PimDirectory pim;

    private final Approvals approvals;
    private final SelfActivations selfActivations;

    public CancelPendingDelegate(
            ActivationStore store,
            PimDirectory pim,
            ActivationRecorder recorder,
            Approvals approvals,
            SelfActivations selfActivations) {
        super(store, recorder);
        this.selfActivations = selfActivations;
        this.pim = pim;
        this.approvals = approvals;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        // PIM removes by (principal, role, scope): never touch an assignment that another activation holds
        boolean mayHaveActivated = Boolean.TRUE.equals(execution.getVariable(Vars.MFA_APPROVED));
        Reason reason = Reason.fromWire(String.valueOf(execution.getVariable(Vars.CANCEL_REASON)))
                .orElse(Reason.TICKET_CLOSED);
        // self-activate mode: a request PIM's approvers have not decided yet is withdrawn first (DESIGN §9.3)
        selfActivations
                .find(a.id(), a.challengeId())
                .filter(o -> !o.denied() && o.assignment().pendingApproval())
                .ifPresent(o -> pim.cancelRequest(o.assignment().requestId()));
        Removal removal = mayHaveActivated && !store.anotherActive(a)
                ? pim.remove(RevokeRoleDelegate.removalRequest(
                        a,
                        reason == Reason.TICKET_REASSIGNED
                                ? "Ticket reassigned before activation completed"
                                : "Ticket closed before activation completed"))
                : new Removal(null, false);
        approvals.closeAll(a.id(), Approvals.CANCELLED); // a stage still waiting can no longer be decided
        recorder.cancelled(a, reason, removal);
    }
}
