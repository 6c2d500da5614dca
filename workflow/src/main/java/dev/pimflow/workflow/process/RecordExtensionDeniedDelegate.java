package dev.pimflow.workflow.process;

import dev.pimflow.workflow.process.ProcessElements.Vars;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Extensions;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * An extension was denied (MFA denied or expired, an approval stage denied or timed out, PIM refused): it is recorded
 * with its reason, its open approval stages close, and the activation goes on with the end it had.
 */
@Component("recordExtensionDenied")
public class RecordExtensionDeniedDelegate extends ActivationDelegate {
    private final Extensions extensions;
    private final Approvals approvals;

    public RecordExtensionDeniedDelegate(
            ActivationStore store, ActivationRecorder recorder, Extensions extensions, Approvals approvals) {
        super(store, recorder);
        this.extensions = extensions;
        this.approvals = approvals;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        Extensions.Extension x = ExtendRoleDelegate.extension(execution, extensions, a);
        Object why = execution.getVariable(Vars.DENY_REASON);
        String reason = why == null ? "denied" : why.toString();
        approvals.closeAll(a.id(), Approvals.CANCELLED);
        if (extensions.closed(x.id(), Extensions.DENIED, reason, null)) {
            recorder.extensionDenied(a, x, reason);
        }
        // read once: the next extension sets its own
        execution.removeVariable(Vars.DENY_REASON);
    }
}
