package dev.pimflow.workflow.activation;

import static dev.pimflow.workflow.process.ProcessElements.Vars;

import dev.pimflow.contracts.Decision;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.contracts.Status;
import dev.pimflow.mfa.MfaAssertionVerifier;
import dev.pimflow.mfa.MfaDecision;
import dev.pimflow.mfa.MfaRejectedException;
import dev.pimflow.workflow.process.ProcessElements;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.MfaApprovals;
import dev.pimflow.workflow.store.UsedAssertions;
import java.time.Clock;
import org.camunda.bpm.engine.RuntimeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Checks an MFA response against its challenge (DESIGN §6.1) and, if it holds, hands the decision to the waiting
 * process. A rejected response is audited and returned as a rejection, so the listener can commit the audit record
 * and send the event to the DLT.
 */
@Service
public class MfaResponses {
    private static final Logger log = LoggerFactory.getLogger(MfaResponses.class);

    private final ActivationStore store;
    private final UsedAssertions usedAssertions;
    private final MfaAssertionVerifier verifier;
    private final ActivationSteps steps;
    private final RuntimeService runtime;
    private final Clock clock;
    private final MfaApprovals approvals;

    public MfaResponses(
            ActivationStore store,
            UsedAssertions usedAssertions,
            MfaAssertionVerifier verifier,
            ActivationSteps steps,
            RuntimeService runtime,
            Clock clock,
            MfaApprovals approvals) {
        this.approvals = approvals;
        this.store = store;
        this.usedAssertions = usedAssertions;
        this.verifier = verifier;
        this.steps = steps;
        this.runtime = runtime;
        this.clock = clock;
    }

    /** @return null when accepted, else the rejection (already audited) */
    public InvalidEventException respond(MfaResponse r) {
        Activation a = store.findByChallenge(r.challengeId())
                .flatMap(found -> store.lock(found.id()))
                .orElse(null);
        if (a == null) {
            return new InvalidEventException("data.challengeId", "unknown challenge");
        }
        MfaDecision decision;
        try {
            decision = verifier.verify(r.assertion(), a.challengeId(), a.principalId());
        } catch (MfaRejectedException e) {
            return reject(a, "data.assertion", e.reason());
        }
        if (!usedAssertions.use(decision.assertionId(), a.challengeId())) {
            return reject(a, "data.assertion", "assertion already used");
        }
        if (!Status.PENDING_MFA.is(a.status()) || !waitingForMfa(a)) {
            return reject(a, "data.challengeId", "challenge is no longer pending (activation is " + a.status() + ")");
        }
        if (a.challengeExpiresAt() != null && a.challengeExpiresAt().isBefore(clock.instant())) {
            return reject(a, "data.challengeId", "challenge expired at " + a.challengeExpiresAt());
        }
        steps.mfaDecided(a, decision.approved(), decision.assertionId());
        if (decision.approved()) {
            // the proof the activation step checks: the process variable below only routes the token
            approvals.approved(a.id(), a.challengeId(), decision.assertionId());
        }
        runtime.createMessageCorrelation(ProcessElements.MESSAGE_MFA_RESPONSE)
                .processInstanceId(a.processInstanceId())
                .setVariable(Vars.MFA_APPROVED, decision.approved())
                .correlateWithResult();
        log.info("MFA {} for activation {} (challenge {})", Decision.of(decision.approved()), a.id(), a.challengeId());
        return null;
    }

    /**
     * Whether the process still waits for this message (a ticket closed while pending has already taken the token
     * away, though the cancellation job has not run yet). Asked as an execution query: it finds the instance's
     * executions by process instance id and their subscriptions by execution id, both indexed, where an event
     * subscription query by process instance id reads every {@code mfa.response} subscription of every instance.
     */
    private boolean waitingForMfa(Activation a) {
        return runtime.createExecutionQuery()
                        .processInstanceId(a.processInstanceId())
                        .messageEventSubscriptionName(ProcessElements.MESSAGE_MFA_RESPONSE)
                        .count()
                > 0;
    }

    private InvalidEventException reject(Activation a, String field, String reason) {
        log.warn("MFA response for activation {} rejected: {}", a.id(), reason);
        steps.mfaRejected(a, reason);
        return new InvalidEventException(field, reason);
    }
}
