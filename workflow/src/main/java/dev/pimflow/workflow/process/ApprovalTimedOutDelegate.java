package dev.pimflow.workflow.process;

import dev.pimflow.contracts.Reason;
import dev.pimflow.workflow.process.ProcessElements.Vars;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** No approver decided the stage in time ({@code approvalStageTimeOutInDays}): the request is denied, as PIM does. */
@Component("approvalTimedOut")
public class ApprovalTimedOutDelegate extends ActivationDelegate {
    private final Approvals approvals;

    public ApprovalTimedOutDelegate(ActivationStore store, ActivationRecorder recorder, Approvals approvals) {
        super(store, recorder);
        this.approvals = approvals;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        String approvalId = (String) execution.getVariable(Vars.APPROVAL_ID);
        Approvals.Approval stage = approvals.lock(approvalId).orElseThrow();
        if (approvals.closed(stage.id(), Approvals.TIMED_OUT)) {
            recorder.approvalTimedOut(a, stage);
        }
        execution.setVariable(Vars.DENY_REASON, Reason.APPROVAL_TIMEOUT.wire());
    }
}
