package dev.pimflow.workflow.process;

import dev.pimflow.workflow.activation.ActivationSteps;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static dev.pimflow.workflow.process.ProcessElements.Vars;

/** Sends the person an MFA challenge ({@code mfa.challenge} through the outbox); the process then waits, bounded. */
@Component("issueMfaChallenge")
public class IssueMfaChallengeDelegate extends ActivationDelegate {
    private final ActivationSteps steps;
    private final Clock clock;

    public IssueMfaChallengeDelegate(ActivationStore store, ActivationSteps steps, Clock clock) {
        super(store);
        this.steps = steps;
        this.clock = clock;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        String challengeId = UUID.randomUUID().toString();
        Duration timeout = Duration.parse((String) execution.getVariable(Vars.MFA_TIMEOUT));
        Instant expiresAt = clock.instant().plus(timeout);
        steps.challengeIssued(a, challengeId, expiresAt);
    }
}
