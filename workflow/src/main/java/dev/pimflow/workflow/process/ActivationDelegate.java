package dev.pimflow.workflow.process;

import dev.pimflow.pim.PimException;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;

/**
 * Base of the service-task delegates: loads (and locks) the activation the instance is about, then runs one step and
 * records it with the {@link ActivationRecorder}.
 */
abstract class ActivationDelegate implements JavaDelegate {
    protected final ActivationStore store;
    protected final ActivationRecorder recorder;

    ActivationDelegate(ActivationStore store, ActivationRecorder recorder) {
        this.store = store;
        this.recorder = recorder;
    }

    @Override
    public final void execute(DelegateExecution execution) throws Exception {
        String id = (String) execution.getVariable(ProcessElements.Vars.ACTIVATION_ID);
        Activation activation = store.lock(id)
                .orElseThrow(() -> new IllegalStateException("activation " + id + " of process instance "
                        + execution.getProcessInstanceId() + " is missing"));
        // the variable names the activation; the activation names its instance: a step acts only when both agree
        if (!execution.getProcessInstanceId().equals(activation.processInstanceId())) {
            throw new IllegalStateException(
                    "activation " + id + " belongs to process instance " + activation.processInstanceId() + ", not to "
                            + execution.getProcessInstanceId() + ": this step changes nothing");
        }
        try {
            execute(execution, activation);
        } catch (PimException e) {
            // the job fails; when its retries run out, this message is what Cockpit shows on the incident
            throw new PimCallFailedException(execution.getCurrentActivityName(), e);
        }
    }

    protected abstract void execute(DelegateExecution execution, Activation activation) throws Exception;
}
