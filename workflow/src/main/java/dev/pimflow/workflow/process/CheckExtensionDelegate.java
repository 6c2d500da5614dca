package dev.pimflow.workflow.process;

import dev.pimflow.contracts.Status;
import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.directory.RoleCatalog;
import dev.pimflow.workflow.process.ProcessElements.Vars;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Extensions;
import java.time.Duration;
import java.time.Instant;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Checks an extension against the role's policy now (DESIGN §9.3): the activation's new end, counted from its original
 * start as PIM counts it, must stay within the policy's maximum. Sets how many approval stages the extension asks
 * ({@code isApprovalRequiredForExtension}) and the round they belong to. An async job: the role catalog may ask Graph.
 */
@Component("checkExtension")
public class CheckExtensionDelegate extends ActivationDelegate {
    /** The extension's new end is past the role's maximum counted from the activation's start. */
    public static final String EXCEEDS_POLICY_MAXIMUM = "exceeds-policy-maximum";

    private final RoleCatalog roles;
    private final Extensions extensions;
    private final boolean selfActivate;

    public CheckExtensionDelegate(
            ActivationStore store,
            ActivationRecorder recorder,
            RoleCatalog roles,
            Extensions extensions,
            PimProperties properties) {
        super(store, recorder);
        this.roles = roles;
        this.extensions = extensions;
        this.selfActivate = properties.activation().selfActivate();
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        Extensions.Extension x = ExtendRoleDelegate.extension(execution, extensions, a);
        execution.setVariable(Vars.EXTENSION_VALID, false);
        if (!Extensions.REQUESTED.equals(x.status()) || !Status.ACTIVE.is(a.status())) {
            throw new IllegalStateException("extension " + x.id() + " is " + x.status() + " and activation " + a.id()
                    + " is " + a.status() + ": nothing to check");
        }
        String refusal = null;
        int stages = 0;
        if (selfActivate) {
            refusal = Extensions.SELF_ACTIVATE_MODE;
        } else {
            ActivationPolicy policy = roles.policy(a.roleDefinitionId());
            Instant newEnd = a.endDateTime().plus(Duration.parse(x.duration()));
            Duration total = Duration.between(a.startDateTime(), newEnd);
            if (policy.maximumDuration() != null && total.compareTo(policy.maximumDuration()) > 0) {
                refusal = EXCEEDS_POLICY_MAXIMUM + ": the activation would last " + total + " from its start "
                        + a.startDateTime() + ", the role's policy allows " + policy.maximumDuration();
            } else if (policy.approval().requiredForExtension()) {
                stages = policy.approval().stages().size();
            }
        }
        if (refusal != null) {
            extensions.closed(x.id(), Extensions.DENIED, refusal, null);
            recorder.extensionDenied(a, x, refusal);
            return;
        }
        execution.setVariable(Vars.EXTENSION_VALID, true);
        execution.setVariable(Vars.EXTENSION_APPROVAL_STAGES, stages);
        execution.setVariable(Vars.APPROVAL_ROUND, x.round());
    }
}
