package dev.pimflow.workflow.activation;

import dev.pimflow.workflow.security.Roles;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Approvals.Approval;
import dev.pimflow.workflow.store.Extensions;
import java.util.Date;
import java.util.Set;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.stereotype.Component;

/**
 * The Tasklist side of an approval stage (DESIGN §9.3). On {@code create}: the task is tied to its stage (by task id,
 * in {@code approval_request}), gets the stage's approvers and pimflow's approvers group as candidates, its due date,
 * and what an approver needs to see (ticket, role, duration, justification, requester). On {@code complete}: only a
 * completion whose decision pimflow recorded passes.
 */
@Component("approvalTask")
public class ApprovalTaskListener implements TaskListener {
    /** The form's fields a person submits; EngineGuard refuses any other variable on a task's completion. */
    public static final String APPROVED = "approved";

    public static final String APPROVER_JUSTIFICATION = "approverJustification";
    /** The fields shown read-only in the form. */
    public static final Set<String> SHOWN =
            Set.of("requestTicket", "requestRole", "requestDuration", "requestJustification", "requester");

    private final Approvals approvals;
    private final ActivationStore store;
    private final Extensions extensions;

    public ApprovalTaskListener(Approvals approvals, ActivationStore store, Extensions extensions) {
        this.approvals = approvals;
        this.store = store;
        this.extensions = extensions;
    }

    @Override
    public void notify(DelegateTask task) {
        switch (task.getEventName()) {
            case EVENTNAME_CREATE -> created(task);
            case EVENTNAME_COMPLETE -> completed(task);
            default -> {}
        }
    }

    private void created(DelegateTask task) {
        // set by the stage's request step just before, in this transaction; no person can set a variable
        String approvalId = (String) task.getVariable("approvalId");
        Approval stage = approvals
                .find(approvalId)
                .orElseThrow(() -> new IllegalStateException(
                        "approval " + approvalId + " of task " + task.getId() + " is missing"));
        Activation a = store.find(stage.activationId()).orElseThrow();
        approvals.taskCreated(stage.id(), task.getId());
        // an extension's stage asks for the extension's time (DESIGN §9.3: isApprovalRequiredForExtension)
        String duration = a.requestedDuration();
        String what = "Approve ";
        if (Approvals.EXTENSION.equals(stage.purpose())) {
            duration = extensions
                    .round(a.id(), stage.round())
                    .map(x -> x.duration() + " more (extension " + x.round() + ")")
                    .orElseThrow(() -> new IllegalStateException(
                            "extension " + stage.round() + " of activation " + a.id() + " is missing"));
            what = "Approve extending ";
        }
        task.setName(what + a.roleDisplayName() + " for " + a.ticketSystem() + " " + a.ticketNumber()
                + (stage.stages() > 1 ? " (stage " + stage.stage() + "/" + stage.stages() + ")" : ""));
        task.setDescription("Requested by " + a.principalId() + " for " + duration + ": "
                + (a.justification() == null ? "" : a.justification()));
        task.setDueDate(Date.from(stage.dueAt()));
        task.addCandidateGroup(Roles.APPROVERS);
        for (String user : approvals.approvers(stage)) {
            if (!user.equalsIgnoreCase(a.principalId())) {
                task.addCandidateUser(user);
            }
        }
        // on the task's own execution (it has boundary events): Camunda fills a generated form's fields from there,
        // and the values go with the task
        task.getExecution().setVariableLocal("requestTicket", a.ticketSystem() + " " + a.ticketNumber());
        task.getExecution().setVariableLocal("requestRole", a.roleDisplayName() + " (" + a.roleDefinitionId() + ")");
        task.getExecution().setVariableLocal("requestDuration", duration);
        task.getExecution()
                .setVariableLocal("requestJustification", a.justification() == null ? "" : a.justification());
        task.getExecution().setVariableLocal("requester", a.principalId());
    }

    /**
     * Whoever completes the task, the stage's decision must be recorded by pimflow first ({@link ApprovalTaskGuard} for
     * a person's completion, {@link ApprovalDecisions#decide} for the other channels): a completion without one moves
     * nothing.
     */
    private void completed(DelegateTask task) {
        Approval stage = approvals
                .byTask(task.getId())
                .orElseThrow(() -> new ProcessEngineException("task " + task.getId() + " is no approval stage's"));
        // read once: a later stage's task must be given its own decision
        task.removeVariable(APPROVED);
        task.removeVariable(APPROVER_JUSTIFICATION);
        if (stage.pending()) {
            throw new ProcessEngineException("approval " + stage.id() + " has no decision recorded by pimflow:"
                    + " an approver decides in Tasklist, through the product API or by a signed approval.decision");
        }
    }
}
