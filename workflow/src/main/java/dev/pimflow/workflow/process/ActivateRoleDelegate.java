package dev.pimflow.workflow.process;

import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.AssignmentRequest;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.workflow.activation.ActivationSteps;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import static dev.pimflow.workflow.process.ProcessElements.Vars;

/**
 * Creates the time-bound active assignment in PIM ({@code adminAssign}, {@code afterDuration}, justification and
 * ticket). Runs as an async job: a transient PIM failure is retried by the job executor and, when retries run out,
 * becomes an incident in Cockpit. A policy refusal ends the activation as denied with PIM's code.
 */
@Component("activateRole")
public class ActivateRoleDelegate extends ActivationDelegate {
    private final PimDirectory pim;
    private final ActivationSteps steps;

    public ActivateRoleDelegate(ActivationStore store, PimDirectory pim, ActivationSteps steps) {
        super(store);
        this.pim = pim;
        this.steps = steps;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        Duration duration = Duration.parse(a.requestedDuration());
        Assignment assignment;
        try {
            assignment = pim.assign(new AssignmentRequest(a.principalId(), a.roleDefinitionId(), a.directoryScopeId(), duration,
                    a.justification(), a.ticketNumber(), a.ticketSystem(), a.id()));
        } catch (PimException e) {
            if (e.kind() == PimException.Kind.DENY) {
                execution.setVariable(Vars.DENY_REASON, e.getMessage());
                throw new BpmnError(ProcessElements.ERROR_ACTIVATION_DENIED, e.getMessage());
            }
            throw e;
        }
        Instant start = assignment.startDateTime() != null ? assignment.startDateTime() : Instant.now();
        Instant end = assignment.endDateTime() != null ? assignment.endDateTime() : start.plus(duration);
        Assignment normalised = new Assignment(assignment.requestId(), assignment.status(), start, end, assignment.adopted());
        steps.activated(a, normalised);
        execution.setVariable(Vars.END_DATE_TIME, Date.from(end));
    }
}
