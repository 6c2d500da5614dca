package dev.pimflow.workflow.process;

import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.ExtensionRequest;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.workflow.directory.RoleCatalog;
import dev.pimflow.workflow.process.ProcessElements.Vars;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Extensions;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Moves the active assignment's end in PIM ({@code adminExtend}, DESIGN §9.3), when pimflow verified and recorded the
 * person's MFA answer to this extension's own challenge and, where the role's policy asks it, each approval stage of
 * this extension's round: whatever routed the token here, nothing else counts. A retry adopts the extension PIM already
 * made. The process's end timer is set anew from {@code endDateTime} when the token returns to the wait.
 */
@Component("extendRole")
public class ExtendRoleDelegate extends ActivationDelegate {
    private final PimDirectory pim;
    private final Extensions extensions;
    private final Approvals approvals;
    private final RoleCatalog roles;

    public ExtendRoleDelegate(
            ActivationStore store,
            ActivationRecorder recorder,
            PimDirectory pim,
            Extensions extensions,
            Approvals approvals,
            RoleCatalog roles) {
        super(store, recorder);
        this.pim = pim;
        this.extensions = extensions;
        this.approvals = approvals;
        this.roles = roles;
    }

    /** The extension the variable names, which must be the activation's. */
    static Extensions.Extension extension(DelegateExecution execution, Extensions extensions, Activation a) {
        String id = (String) execution.getVariable(Vars.EXTENSION_ID);
        Extensions.Extension x = id == null ? null : extensions.find(id).orElse(null);
        if (x == null || !x.activationId().equals(a.id())) {
            throw new IllegalStateException("extension " + id + " is not one of activation " + a.id());
        }
        return x;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        Extensions.Extension x = extension(execution, extensions, a);
        if (!Status.ACTIVE.is(a.status()) || !x.open()) {
            throw deny(execution, "extension " + x.id() + " is " + x.status() + ", activation is " + a.status());
        }
        // DESIGN §6.1 for extensions: this extension's own challenge, answered and verified by pimflow
        if (!a.challengeId().equals(x.challengeId()) || !extensions.mfaVerified(x)) {
            recorder.activationRefused(
                    a,
                    Reason.MFA_NOT_VERIFIED,
                    "no MFA approval verified by pimflow for extension " + x.round() + " (challenge " + x.challengeId()
                            + ")");
            throw deny(execution, Reason.MFA_NOT_VERIFIED.wire());
        }
        ActivationPolicy policy = roles.policy(a.roleDefinitionId());
        int stages = policy.approval().requiredForExtension()
                ? policy.approval().stages().size()
                : 0;
        stages = Math.max(stages, x.approvalStages());
        if (stages > 0 && !approvals.allApproved(a.id(), x.round(), stages, a.principalId())) {
            recorder.activationRefused(
                    a,
                    Reason.APPROVAL_NOT_VERIFIED,
                    "extension " + x.round() + " asks " + stages
                            + " approval stage(s); pimflow recorded no approval of each by one of its approvers");
            throw deny(execution, Reason.APPROVAL_NOT_VERIFIED.wire());
        }
        Instant newEnd = a.endDateTime().plus(Duration.parse(x.duration()));
        Assignment assignment;
        try {
            assignment = pim.extend(new ExtensionRequest(
                    a.principalId(),
                    a.roleDefinitionId(),
                    a.directoryScopeId(),
                    a.startDateTime(),
                    newEnd,
                    x.justification() != null ? x.justification() : a.justification(),
                    a.ticketNumber(),
                    a.ticketSystem(),
                    a.id(),
                    x.round()));
        } catch (PimException e) {
            if (e.kind() == PimException.Kind.DENY) {
                throw deny(execution, e.getMessage());
            }
            throw e;
        }
        Instant end = assignment.endDateTime() != null ? assignment.endDateTime() : newEnd;
        Assignment normalised = new Assignment(
                assignment.requestId(), assignment.status(), assignment.startDateTime(), end, assignment.adopted());
        extensions.closed(x.id(), Extensions.EXTENDED, null, end);
        recorder.extended(a, x, normalised);
        execution.setVariable(Vars.END_DATE_TIME, Date.from(end));
    }

    private static BpmnError deny(DelegateExecution execution, String reason) {
        execution.setVariable(Vars.DENY_REASON, reason);
        return new BpmnError(ProcessElements.ERROR_ACTIVATION_DENIED, reason);
    }
}
