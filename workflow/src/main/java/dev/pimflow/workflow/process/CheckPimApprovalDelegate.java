package dev.pimflow.workflow.process;

import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.workflow.process.ProcessElements.Vars;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.SelfActivations;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * {@code self-activate} mode, a role whose policy requires approval (DESIGN §9.3): PIM answered the person's own
 * selfActivate {@code PendingApproval}, and PIM's approvers decide it, not pimflow's. This step asks PIM for the request
 * pimflow recorded from that answer (never one a variable names): {@code Provisioned} or {@code Granted} is the
 * activation; {@code Denied}, {@code Canceled} and the like deny it ({@code approval-denied}); still pending past the
 * wait, the request is cancelled and the activation denied ({@code approval-timeout}). An async job, retried.
 */
@Component("checkPimApproval")
public class CheckPimApprovalDelegate extends ActivationDelegate {
    private static final Set<String> ACTIVE = Set.of("provisioned", "granted");
    private static final Set<String> WAITING = Set.of(
            "pendingapproval",
            "pendingadmindecision",
            "pendingprovisioning",
            "pendingschedulecreation",
            "schedulecreated");

    private final PimDirectory pim;
    private final SelfActivations selfActivations;

    public CheckPimApprovalDelegate(
            ActivationStore store, ActivationRecorder recorder, PimDirectory pim, SelfActivations selfActivations) {
        super(store, recorder);
        this.pim = pim;
        this.selfActivations = selfActivations;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        SelfActivations.Outcome outcome =
                selfActivations.find(a.id(), a.challengeId()).orElse(null);
        if (!Status.PENDING_APPROVAL.is(a.status())
                || outcome == null
                || outcome.denied()
                || !outcome.assignment().pendingApproval()) {
            throw deny(execution, Reason.APPROVAL_NOT_VERIFIED.wire());
        }
        String requestId = outcome.assignment().requestId();
        Assignment request = pim.activationRequest(requestId);
        String status = request.status() == null ? "" : request.status().toLowerCase(java.util.Locale.ROOT);
        if (ACTIVE.contains(status)) {
            recorder.pimApprovalDecided(a, requestId, request.status(), true);
            Duration duration = Duration.parse(a.requestedDuration());
            Instant start = request.startDateTime() != null ? request.startDateTime() : Instant.now();
            Instant end = request.endDateTime() != null ? request.endDateTime() : start.plus(duration);
            recorder.activated(a, new Assignment(requestId, request.status(), start, end, false));
            execution.setVariable(Vars.END_DATE_TIME, Date.from(end));
            execution.setVariable(Vars.PIM_APPROVAL_PENDING, false);
            return;
        }
        if (WAITING.contains(status)) {
            Date until = (Date) execution.getVariable(Vars.PIM_APPROVAL_WAIT_UNTIL);
            if (until != null && Instant.now().isAfter(until.toInstant())) {
                boolean cancelled = pim.cancelRequest(requestId);
                recorder.pimApprovalDecided(a, requestId, request.status() + (cancelled ? ", cancelled" : ""), false);
                throw deny(execution, Reason.APPROVAL_TIMEOUT.wire());
            }
            return;
        }
        recorder.pimApprovalDecided(a, requestId, request.status(), false);
        throw deny(execution, Reason.APPROVAL_DENIED.wire());
    }

    private static BpmnError deny(DelegateExecution execution, String reason) {
        execution.setVariable(Vars.DENY_REASON, reason);
        return new BpmnError(ProcessElements.ERROR_ACTIVATION_DENIED, reason);
    }
}
