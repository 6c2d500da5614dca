package dev.pimflow.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.impl.BpmnModelConstants;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaTaskListener;

/**
 * The engine floor's process, derived when the floor starts from the orchestrator's own BPMN
 * ({@code workflow/src/main/resources/bpmn/ticket-activation.bpmn}, on the classpath from the workflow module's lib
 * jar): the same elements, messages, timers, boundary events, async points, retry cycles and listeners, with each
 * service task's delegate (and each task listener) replaced by the floor's no-op for it ({@link EngineFloor}), so that a change to the process
 * shows up in the floor. Only the process id and name differ, so that the floor's definitions are told apart.
 */
final class FloorProcess {
    /** The orchestrator's BPMN, as a classpath resource. */
    static final String SOURCE = "bpmn/ticket-activation.bpmn";

    static final String PROCESS_ID = "ticket-activation-floor";
    static final String RESOURCE_NAME = PROCESS_ID + ".bpmn";

    /**
     * What the floor does in place of each orchestrator delegate that the floor's run depends on: {@code validateRequest}
     * sets {@code requestValid} (the gateway after it reads it), {@code issueMfaChallenge} answers the challenge after
     * commit, {@code activateRole} sets {@code endDateTime} (the activation's end timer reads it), {@code revokeRole}
     * reports the revocation. Every other delegate becomes {@link EngineFloor.NoOp}.
     */
    static final Map<String, Class<? extends JavaDelegate>> DELEGATES = Map.of(
            "${validateRequest}", EngineFloor.Validate.class,
            "${issueMfaChallenge}", EngineFloor.IssueChallenge.class,
            "${activateRole}", EngineFloor.Activate.class,
            "${revokeRole}", EngineFloor.Revoke.class);

    /** The Camunda extension attributes that name a service task's implementation. */
    private static final String[] IMPLEMENTATION_ATTRIBUTES = {
        "class", "delegateExpression", "expression", "type", "topic"
    };

    private FloorProcess() {}

    /** Reads the orchestrator's BPMN. */
    static BpmnModelInstance source() {
        try (InputStream in = FloorProcess.class.getClassLoader().getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SOURCE + " is not on the classpath (the workflow module's lib jar)");
            }
            return Bpmn.readModelFromStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The floor's process: {@link #source()} with the floor's delegates. */
    static BpmnModelInstance derive() {
        BpmnModelInstance model = source();
        Process process = model.getModelElementsByType(Process.class).stream()
                .filter(Process::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(SOURCE + " has no executable process"));
        process.setId(PROCESS_ID);
        process.setName("Engine floor: the shape of " + process.getName() + " with no-op delegates");
        for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
            String implementation = task.getCamundaDelegateExpression() != null
                    ? task.getCamundaDelegateExpression()
                    : task.getCamundaClass();
            for (String attribute : IMPLEMENTATION_ATTRIBUTES) {
                task.removeAttributeNs(BpmnModelConstants.CAMUNDA_NS, attribute);
            }
            task.setCamundaClass(DELEGATES
                    .getOrDefault(implementation, EngineFloor.NoOp.class)
                    .getName());
        }
        // the approval task's listeners are the orchestrator's beans too; the floor never asks for approval
        for (CamundaTaskListener listener : model.getModelElementsByType(CamundaTaskListener.class)) {
            for (String attribute : IMPLEMENTATION_ATTRIBUTES) {
                listener.removeAttributeNs(BpmnModelConstants.CAMUNDA_NS, attribute);
            }
            listener.setCamundaClass(EngineFloor.NoOpTaskListener.class.getName());
        }
        Bpmn.validateModel(model);
        return model;
    }
}
