package dev.pimflow.workflow.activation;

import dev.pimflow.contracts.Decision;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.contracts.Status;
import dev.pimflow.mfa.MfaAssertionVerifier;
import dev.pimflow.mfa.MfaDecision;
import dev.pimflow.mfa.MfaRejectedException;
import dev.pimflow.workflow.process.ActivationProcess;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.MfaApprovals;
import dev.pimflow.workflow.store.UsedAssertions;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Handles an MFA response: checks it against its challenge (DESIGN §6.1) and, if it holds, hands the decision to the
 * waiting process. A response refused after its challenge was found is audited on that activation; the
 * {@link MfaOutcome} tells the listener which, so it can commit the audit record and send the event to the DLT.
 */
@Service
public class MfaResponseHandler {
    private static final Logger log = LoggerFactory.getLogger(MfaResponseHandler.class);

    private final ActivationStore store;
    private final UsedAssertions usedAssertions;
    private final MfaAssertionVerifier verifier;
    private final ActivationRecorder recorder;
    private final ActivationProcess process;
    private final Clock clock;
    private final MfaApprovals approvals;

    public MfaResponseHandler(
            ActivationStore store,
            UsedAssertions usedAssertions,
            MfaAssertionVerifier verifier,
            ActivationRecorder recorder,
            ActivationProcess process,
            Clock clock,
            MfaApprovals approvals) {
        this.approvals = approvals;
        this.store = store;
        this.usedAssertions = usedAssertions;
        this.verifier = verifier;
        this.recorder = recorder;
        this.process = process;
        this.clock = clock;
    }

    public MfaOutcome respond(MfaResponse r) {
        Activation a = store.findByChallenge(r.challengeId())
                .flatMap(found -> store.lock(found.id()))
                .orElse(null);
        if (a == null) {
            return new MfaOutcome.UnknownChallenge(new InvalidEventException("data.challengeId", "unknown challenge"));
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
        if (!Status.PENDING_MFA.is(a.status()) || !process.waitingForMfa(a)) {
            return reject(a, "data.challengeId", "challenge is no longer pending (activation is " + a.status() + ")");
        }
        if (a.challengeExpiresAt() != null && a.challengeExpiresAt().isBefore(clock.instant())) {
            return reject(a, "data.challengeId", "challenge expired at " + a.challengeExpiresAt());
        }
        recorder.mfaDecided(a, decision.approved(), decision.assertionId());
        if (decision.approved()) {
            // the proof the activation step checks: the process variable below only routes the token
            approvals.approved(a.id(), a.challengeId(), decision.assertionId());
        }
        process.mfaAnswered(a, decision.approved());
        log.info("MFA {} for activation {} (challenge {})", Decision.of(decision.approved()), a.id(), a.challengeId());
        return new MfaOutcome.Accepted(decision.approved());
    }

    private MfaOutcome reject(Activation a, String field, String reason) {
        log.warn("MFA response for activation {} rejected: {}", a.id(), reason);
        recorder.mfaRejected(a, reason);
        return new MfaOutcome.Rejected(new InvalidEventException(field, reason));
    }
}
