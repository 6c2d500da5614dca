package dev.pimflow.workflow.process;

import static dev.pimflow.workflow.process.ProcessElements.Vars;

import dev.pimflow.contracts.Reason;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** Ends an activation as denied (invalid request, MFA denied or timed out, or PIM refused), with the reason. */
@Component("recordDenied")
public class RecordDeniedDelegate extends ActivationDelegate {

    private final Approvals approvals;

    public RecordDeniedDelegate(ActivationStore store, ActivationRecorder recorder, Approvals approvals) {
        super(store, recorder);
        this.approvals = approvals;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        Object reason = execution.getVariable(Vars.DENY_REASON);
        approvals.closeAll(a.id(), Approvals.CANCELLED); // e.g. PIM refused: no stage stays open to decide
        recorder.denied(a, reason == null ? Reason.DENIED.wire() : reason.toString());
    }
}
