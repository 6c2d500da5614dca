package dev.pimflow.workflow.process;

import dev.pimflow.workflow.process.ProcessElements.Vars;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Extensions;
import java.util.Set;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The stage's primary approvers did not decide within {@code escalationTimeInMinutes}: its escalation approvers may
 * decide too from now on (recorded in {@code approval_request}, added as candidates of the Tasklist task), and are asked
 * with a second {@code approval.requested}.
 */
@Component("escalateApproval")
public class EscalateApprovalDelegate extends ActivationDelegate {
    private final Approvals approvals;
    private final Extensions extensions;

    public EscalateApprovalDelegate(
            ActivationStore store, ActivationRecorder recorder, Approvals approvals, Extensions extensions) {
        super(store, recorder);
        this.approvals = approvals;
        this.extensions = extensions;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        String approvalId = (String) execution.getVariable(Vars.APPROVAL_ID);
        Approvals.Approval stage = approvals.lock(approvalId).orElseThrow();
        if (!stage.activationId().equals(a.id()) || !approvals.escalated(stage.id())) {
            return; // decided, timed out or escalated already: nothing to add
        }
        Approvals.Approval escalated = approvals.find(stage.id()).orElseThrow();
        Set<String> added = approvals.escalationApprovers(stage.id());
        if (escalated.taskId() != null) {
            TaskService tasks = execution.getProcessEngineServices().getTaskService();
            for (String user : added) {
                tasks.addCandidateUser(escalated.taskId(), user);
            }
        }
        recorder.approvalRequested(
                a,
                escalated,
                RequestApprovalDelegate.others(approvals.approvers(escalated), a.principalId()),
                true,
                RequestApprovalDelegate.durationAsked(a, escalated.round(), extensions));
    }
}
