package dev.pimflow.workflow.process;

import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Sends the person an MFA challenge ({@code mfa.challenge} through the outbox); the process then waits, bounded by
 * {@code pim.mfa.challenge-timeout}, which the BPMN's timer reads from this bean ({@code ${issueMfaChallenge.timeout}})
 * in the same transaction: the challenge's expiry and the timer agree.
 */
@Component("issueMfaChallenge")
public class IssueMfaChallengeDelegate extends ActivationDelegate {
    private final Clock clock;
    private final Duration timeout;

    public IssueMfaChallengeDelegate(
            ActivationStore store, ActivationRecorder recorder, Clock clock, PimProperties properties) {
        super(store, recorder);
        this.clock = clock;
        this.timeout = properties.mfa().challengeTimeout();
    }

    /** The MFA timer's duration (ISO 8601). */
    public String getTimeout() {
        return timeout.toString();
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        String challengeId = UUID.randomUUID().toString();
        Instant expiresAt = clock.instant().plus(timeout);
        recorder.challengeIssued(a, challengeId, expiresAt);
    }
}
