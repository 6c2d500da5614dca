package dev.pimflow.workflow.process;

import static dev.pimflow.workflow.process.ProcessElements.Vars;

import dev.pimflow.workflow.store.Activation;
import java.util.HashMap;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.stereotype.Component;

/**
 * The ticket-activation process as the rest of the orchestrator sees it: start one, tell it the ticket closed, the MFA
 * was answered or a revoke was requested, ask whether it still waits for the MFA. Besides the delegates, only this
 * class knows the process's message names, variables and element ids ({@link ProcessElements}) and drives the engine.
 * Every call runs in the caller's transaction.
 */
@Component
public class ActivationProcess {
    private final RuntimeService runtime;
    private final org.camunda.bpm.engine.TaskService tasks;
    private final org.camunda.bpm.engine.FilterService filters;

    public ActivationProcess(
            RuntimeService runtime,
            org.camunda.bpm.engine.TaskService tasks,
            org.camunda.bpm.engine.FilterService filters) {
        this.runtime = runtime;
        this.tasks = tasks;
        this.filters = filters;
    }

    /** Starts the process for a new activation, business key the ticket number; returns the process instance id. */
    public String start(Activation a) {
        // only what the process needs (its timers and gateways) and what an operator searches by in Cockpit; the rest
        // is in the activation row, and every variable costs rows in ACT_RU_VARIABLE and ACT_HI_VARINST
        Map<String, Object> vars = new HashMap<>();
        vars.put(Vars.ACTIVATION_ID, a.id());
        vars.put(Vars.TICKET_SYSTEM, a.ticketSystem());
        vars.put(Vars.PRINCIPAL_ID, a.principalId());
        vars.put(Vars.ROLE_DEFINITION_ID, a.roleDefinitionId());
        return runtime.createMessageCorrelation(ProcessElements.MESSAGE_ACTIVATION_REQUESTED)
                .processInstanceBusinessKey(a.ticketNumber())
                .setVariables(vars)
                .correlateStartMessage()
                .getId();
    }

    /**
     * The activation's ticket closed: a pending activation is cancelled, an active one revoked (the process decides
     * which, by where it waits). Returns how many process instances took the message (0 when none waits for it).
     */
    public int ticketClosed(Activation a) {
        // by process instance id: a lookup by primary key, where a business key plus a variable filter would read the
        // variables of every running instance
        return runtime.createMessageCorrelation(ProcessElements.MESSAGE_TICKET_CLOSED)
                .processInstanceId(a.processInstanceId())
                .correlateAllWithResult()
                .size();
    }

    /**
     * A {@code ticket.assigned} dropped the activation's principal: a pending activation is cancelled, an active one
     * revoked, with reason {@code ticket-reassigned}. Returns how many process instances took the message.
     */
    public int ticketReassigned(Activation a) {
        return runtime.createMessageCorrelation(ProcessElements.MESSAGE_TICKET_REASSIGNED)
                .processInstanceId(a.processInstanceId())
                .correlateAllWithResult()
                .size();
    }

    /** The person answered the MFA challenge (a response pimflow verified). */
    public void mfaAnswered(Activation a, boolean approved) {
        runtime.createMessageCorrelation(ProcessElements.MESSAGE_MFA_RESPONSE)
                .processInstanceId(a.processInstanceId())
                .setVariable(Vars.MFA_APPROVED, approved)
                .correlateWithResult();
    }

    /**
     * More time was asked for the active activation (DESIGN §9.3): the process checks it and asks the person to
     * confirm. False when the process does not wait for it (it is not active, or another extension is under way).
     */
    public boolean extensionRequested(Activation a, String extensionId) {
        return !runtime.createMessageCorrelation(ProcessElements.MESSAGE_EXTENSION_REQUESTED)
                .processInstanceId(a.processInstanceId())
                .setVariable(Vars.EXTENSION_ID, extensionId)
                .correlateAllWithResult()
                .isEmpty();
    }

    /** Someone asked to revoke the (active) activation before its time. */
    public void revokeRequested(Activation a) {
        runtime.createMessageCorrelation(ProcessElements.MESSAGE_REVOKE_REQUESTED)
                .processInstanceId(a.processInstanceId())
                .correlateWithResult();
    }

    /**
     * Whether the process still waits for the MFA answer (a ticket closed while pending has already taken the token
     * away, though the cancellation job has not run yet). Asked as an execution query: it finds the instance's
     * executions by process instance id and their subscriptions by execution id, both indexed, where an event
     * subscription query by process instance id reads every {@code mfa.response} subscription of every instance.
     */
    public boolean waitingForMfa(Activation a) {
        return runtime.createExecutionQuery()
                        .processInstanceId(a.processInstanceId())
                        .messageEventSubscriptionName(ProcessElements.MESSAGE_MFA_RESPONSE)
                        .count()
                > 0;
    }

    /**
     * An approval stage's decision was checked and recorded by pimflow (REST API, {@code approval.decision}): its Tasklist
     * task completes, and the process reads the recorded decision. False when the task is gone (decided, timed out or
     * cancelled meanwhile).
     */
    public boolean completeApprovalTask(String taskId) {
        if (taskId == null || tasks.createTaskQuery().taskId(taskId).count() == 0) {
            return false;
        }
        tasks.complete(taskId);
        return true;
    }

    /**
     * The shared Tasklist filter that shows a group's members the approval stages they are candidates for; created when
     * missing. Returns its id.
     */
    public String approvalsFilter(String name, String candidateGroup, String description) {
        org.camunda.bpm.engine.filter.Filter existing =
                filters.createFilterQuery().filterName(name).singleResult();
        if (existing != null) {
            return existing.getId();
        }
        org.camunda.bpm.engine.filter.Filter filter = filters.newTaskFilter(name)
                .setQuery(tasks.createTaskQuery()
                        .taskCandidateGroup(candidateGroup)
                        .includeAssignedTasks()
                        .orderByTaskCreateTime()
                        .asc())
                .setProperties(new HashMap<>(Map.of("description", description, "priority", -10)));
        filters.saveFilter(filter);
        return filter.getId();
    }
}
