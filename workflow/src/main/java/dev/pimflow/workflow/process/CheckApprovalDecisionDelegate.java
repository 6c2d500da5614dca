package dev.pimflow.workflow.process;

import dev.pimflow.contracts.Reason;
import dev.pimflow.workflow.process.ProcessElements.Vars;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * After the stage's task: what counts is the decision pimflow recorded for the stage, never how the task was completed.
 * Approved goes on to the next stage (or the activation); denied, or no recorded decision, ends the request denied.
 */
@Component("checkApprovalDecision")
public class CheckApprovalDecisionDelegate extends ActivationDelegate {
    private final Approvals approvals;

    public CheckApprovalDecisionDelegate(ActivationStore store, ActivationRecorder recorder, Approvals approvals) {
        super(store, recorder);
        this.approvals = approvals;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        String approvalId = (String) execution.getVariable(Vars.APPROVAL_ID);
        Approvals.Approval stage =
                approvalId == null ? null : approvals.find(approvalId).orElse(null);
        if (stage != null && stage.activationId().equals(a.id()) && Approvals.APPROVED.equals(stage.status())) {
            return;
        }
        Reason reason = stage != null && stage.activationId().equals(a.id()) && Approvals.DENIED.equals(stage.status())
                ? Reason.APPROVAL_DENIED
                : Reason.APPROVAL_NOT_VERIFIED;
        execution.setVariable(Vars.DENY_REASON, reason.wire());
        throw new BpmnError(ProcessElements.ERROR_ACTIVATION_DENIED, reason.wire());
    }
}
