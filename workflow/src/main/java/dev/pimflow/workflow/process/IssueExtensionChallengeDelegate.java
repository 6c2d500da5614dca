package dev.pimflow.workflow.process;

import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.process.ProcessElements.Vars;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Extensions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Asks the person to confirm an extension with MFA again (DESIGN §9.3): a new challenge, {@code mfa.challenge} as for a
 * request; the activation stays {@code active} meanwhile. The timer that follows reads the same timeout.
 */
@Component("issueExtensionChallenge")
public class IssueExtensionChallengeDelegate extends ActivationDelegate {
    private final Extensions extensions;
    private final Clock clock;
    private final Duration timeout;

    public IssueExtensionChallengeDelegate(
            ActivationStore store,
            ActivationRecorder recorder,
            Extensions extensions,
            Clock clock,
            PimProperties properties) {
        super(store, recorder);
        this.extensions = extensions;
        this.clock = clock;
        this.timeout = properties.mfa().challengeTimeout();
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        Extensions.Extension x = ExtendRoleDelegate.extension(execution, extensions, a);
        int stages = ((Number) execution.getVariable(Vars.EXTENSION_APPROVAL_STAGES)).intValue();
        String challengeId = UUID.randomUUID().toString();
        Instant expiresAt = clock.instant().plus(timeout);
        extensions.challengeIssued(x.id(), challengeId, stages);
        recorder.extensionChallengeIssued(a, x, challengeId, expiresAt);
    }
}
