package dev.pimflow.workflow.process;

import static dev.pimflow.workflow.process.ProcessElements.Vars;

import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.AssignmentRequest;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.directory.RoleCatalog;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.MfaApprovals;
import dev.pimflow.workflow.store.SelfActivations;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Creates the time-bound active assignment in PIM ({@code adminAssign}, {@code afterDuration}, justification and
 * ticket), or in {@code self-activate} mode records the person's own {@code selfActivate} sent at their sign-in. Runs as an async job: a transient PIM failure is retried by the job executor and, when retries run out,
 * becomes an incident in Cockpit. A policy refusal ends the activation as denied with PIM's code.
 */
@Component("activateRole")
public class ActivateRoleDelegate extends ActivationDelegate {
    private final PimDirectory pim;
    private final MfaApprovals approvals;
    private final SelfActivations selfActivations;
    private final boolean selfActivate;
    private final RoleCatalog roles;
    private final Approvals approvalStages;
    private final PimProperties.Approvals approvalSettings;

    public ActivateRoleDelegate(
            ActivationStore store,
            PimDirectory pim,
            ActivationRecorder recorder,
            MfaApprovals approvals,
            SelfActivations selfActivations,
            PimProperties properties,
            RoleCatalog roles,
            Approvals approvalStages) {
        super(store, recorder);
        this.roles = roles;
        this.approvalStages = approvalStages;
        this.pim = pim;
        this.approvals = approvals;
        this.selfActivations = selfActivations;
        this.selfActivate = properties.activation().selfActivate();
        this.approvalSettings = properties.approvals();
    }

    /** How long PIM's approvers have: the policy's stages' timeouts one after another (a day when it names none). */
    private Duration approvalTimeout(Activation a) {
        Duration total = Duration.ZERO;
        for (dev.pimflow.pim.ApprovalStage stage :
                roles.policy(a.roleDefinitionId()).approval().stages()) {
            total = total.plus(stage.timeout());
        }
        return total.isZero() ? Duration.ofDays(1) : total;
    }

    /** The poll interval of the wait for PIM's approval (ISO 8601), read by the BPMN's timer. */
    public String getPimApprovalPoll() {
        return approvalSettings.pimPollInterval().toString();
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        // DESIGN §6.1 against insiders: the token may have reached this task by a correlated message, an edited
        // variable
        // or an instance modification; only an approval pimflow verified and recorded for this challenge lets it pass
        boolean pending = Status.PENDING_MFA.is(a.status()) || Status.PENDING_APPROVAL.is(a.status());
        if (!pending || !approvals.verified(a.id(), a.challengeId())) {
            recorder.activationRefused(
                    a,
                    Reason.MFA_NOT_VERIFIED,
                    "no MFA approval verified by pimflow for challenge " + a.challengeId() + " (activation is "
                            + a.status() + ")");
            if (!pending) {
                return; // active, ended or not yet challenged: this step changes nothing
            }
            execution.setVariable(Vars.DENY_REASON, Reason.MFA_NOT_VERIFIED.wire());
            throw new BpmnError(ProcessElements.ERROR_ACTIVATION_DENIED, Reason.MFA_NOT_VERIFIED.wire());
        }
        // DESIGN §9.3 the same way: the policy's approval counts only as decisions pimflow checked and recorded for
        // each
        // stage, whatever routed the token here (a gateway's variable, a completed task, an instance modification)
        ActivationPolicy policy = selfActivate ? null : roles.policy(a.roleDefinitionId());
        if (policy != null
                && policy.approval().required()
                && !approvalStages.allApproved(
                        a.id(), 0, policy.approval().stages().size(), a.principalId())) {
            recorder.activationRefused(
                    a,
                    Reason.APPROVAL_NOT_VERIFIED,
                    "the role's policy asks " + policy.approval().stages().size()
                            + " approval stage(s); pimflow recorded no approval of each by one of its approvers");
            execution.setVariable(Vars.DENY_REASON, Reason.APPROVAL_NOT_VERIFIED.wire());
            throw new BpmnError(ProcessElements.ERROR_ACTIVATION_DENIED, Reason.APPROVAL_NOT_VERIFIED.wire());
        }
        Duration duration = Duration.parse(a.requestedDuration());
        Assignment assignment;
        if (selfActivate) {
            assignment = selfActivated(execution, a);
            if (assignment.pendingApproval()) {
                // DESIGN §9.3: PIM runs the approval of the person's own request; pimflow waits for its decision
                Instant waitUntil = Instant.now()
                        .plus(approvalSettings.scaled(approvalTimeout(a)))
                        .plus(approvalSettings.pimPollInterval());
                recorder.pimApprovalRequested(a, assignment.requestId(), waitUntil);
                execution.setVariable(Vars.PIM_APPROVAL_PENDING, true);
                execution.setVariable(Vars.PIM_APPROVAL_WAIT_UNTIL, Date.from(waitUntil));
                return;
            }
        } else {
            assignment = adminAssigned(execution, a, duration);
        }
        Instant start = assignment.startDateTime() != null ? assignment.startDateTime() : Instant.now();
        Instant end = assignment.endDateTime() != null ? assignment.endDateTime() : start.plus(duration);
        Assignment normalised =
                new Assignment(assignment.requestId(), assignment.status(), start, end, assignment.adopted());
        recorder.activated(a, normalised);
        execution.setVariable(Vars.END_DATE_TIME, Date.from(end));
    }

    /**
     * {@code self-activate} mode: the person's own selfActivate was sent from the confirmation page's callback, with
     * the token of the sign-in that approved (DESIGN §9.1); this step records PIM's answer. An approval that came
     * without that sign-in (a signed mfa.response) has no token to send it with: it is denied, not turned into an
     * adminAssign the mode was chosen to avoid.
     */
    private Assignment selfActivated(DelegateExecution execution, Activation a) {
        SelfActivations.Outcome outcome =
                selfActivations.find(a.id(), a.challengeId()).orElse(null);
        if (outcome == null) {
            String why = "SelfActivationMissing: in self-activate mode the role is activated by the person's own"
                    + " sign-in on the confirmation page; this approval came without one";
            execution.setVariable(Vars.DENY_REASON, why);
            throw new BpmnError(ProcessElements.ERROR_ACTIVATION_DENIED, why);
        }
        if (outcome.denied()) {
            execution.setVariable(Vars.DENY_REASON, outcome.denial());
            throw new BpmnError(ProcessElements.ERROR_ACTIVATION_DENIED, outcome.denial());
        }
        return outcome.assignment();
    }

    private Assignment adminAssigned(DelegateExecution execution, Activation a, Duration duration) {
        Assignment assignment;
        try {
            assignment = pim.assign(new AssignmentRequest(
                    a.principalId(),
                    a.roleDefinitionId(),
                    a.directoryScopeId(),
                    duration,
                    a.justification(),
                    a.ticketNumber(),
                    a.ticketSystem(),
                    a.id()));
        } catch (PimException e) {
            if (e.kind() == PimException.Kind.DENY) {
                execution.setVariable(Vars.DENY_REASON, e.getMessage());
                throw new BpmnError(ProcessElements.ERROR_ACTIVATION_DENIED, e.getMessage());
            }
            throw e;
        }
        return assignment;
    }
}
