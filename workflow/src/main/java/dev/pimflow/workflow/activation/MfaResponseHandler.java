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
import dev.pimflow.workflow.store.Extensions;
import dev.pimflow.workflow.store.MfaApprovals;
import dev.pimflow.workflow.store.UsedAssertions;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
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
    /** The audit actor of answers that come as signed {@code mfa.response} events. */
    public static final String GATEWAY = "mfa-gateway";

    private final ActivationStore store;
    private final UsedAssertions usedAssertions;
    private final MfaAssertionVerifier verifier;
    private final ActivationRecorder recorder;
    private final ActivationProcess process;
    private final Clock clock;
    private final MfaApprovals approvals;
    private final Extensions extensions;

    public MfaResponseHandler(
            ActivationStore store,
            UsedAssertions usedAssertions,
            MfaAssertionVerifier verifier,
            ActivationRecorder recorder,
            ActivationProcess process,
            Clock clock,
            MfaApprovals approvals,
            Extensions extensions) {
        this.approvals = approvals;
        this.extensions = extensions;
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
            return reject(a, GATEWAY, "data.assertion", e.reason(), Map.of());
        }
        Optional<MfaOutcome.Rejected> refused = useOnce(a, decision.assertionId(), GATEWAY, Map.of());
        if (refused.isPresent()) {
            return refused.get();
        }
        return decided(a, decision.approved(), decision.assertionId(), Map.of());
    }

    /**
     * The checks every verified answer passes, whatever its channel (a signed {@code mfa.response}, the confirmation
     * page's sign-in): its proof is used once, the challenge is still pending and not expired. A refusal is audited on
     * the activation, which must be locked ({@link ActivationStore#lock}) in this transaction.
     */
    public Optional<MfaOutcome.Rejected> useOnce(
            Activation a, String assertionId, String channel, Map<String, Object> evidence) {
        if (!usedAssertions.use(assertionId, a.challengeId())) {
            return Optional.of(reject(a, channel, "data.assertion", "assertion already used", evidence));
        }
        if (!challengeOpen(a) || !process.waitingForMfa(a)) {
            return Optional.of(reject(
                    a,
                    channel,
                    "data.challengeId",
                    "challenge is no longer pending (activation is " + a.status() + ")",
                    evidence));
        }
        if (a.challengeExpiresAt() != null && a.challengeExpiresAt().isBefore(clock.instant())) {
            return Optional.of(
                    reject(a, channel, "data.challengeId", "challenge expired at " + a.challengeExpiresAt(), evidence));
        }
        return Optional.empty();
    }

    /**
     * Whether the activation's current challenge is one an answer is asked for: its own while it is pending, an
     * extension's while it is active (DESIGN §9.3). Whether the process still waits is {@link
     * ActivationProcess#waitingForMfa}'s to say.
     */
    public boolean challengeOpen(Activation a) {
        return Status.PENDING_MFA.is(a.status()) || extensionAwaitingMfa(a).isPresent();
    }

    /** The extension whose MFA challenge is the activation's current one, if any. */
    public Optional<Extensions.Extension> extensionAwaitingMfa(Activation a) {
        return Status.ACTIVE.is(a.status()) ? extensions.awaitingMfa(a.id(), a.challengeId()) : Optional.empty();
    }

    /** The extension whose MFA challenge is the activation's current one, whatever became of it. */
    public Optional<Extensions.Extension> extensionOfChallenge(Activation a) {
        return extensions.ofChallenge(a.id(), a.challengeId());
    }

    /** Records the decision that passed {@link #useOnce} and hands it to the waiting process. */
    public MfaOutcome.Accepted decided(
            Activation a, boolean approved, String assertionId, Map<String, Object> evidence) {
        recorder.mfaDecided(a, approved, assertionId, evidence);
        if (approved) {
            // the proof the activation (or extension) step checks: the process variable below only routes the token
            Optional<Extensions.Extension> extension =
                    Status.ACTIVE.is(a.status()) ? extensions.awaitingMfa(a.id(), a.challengeId()) : Optional.empty();
            if (extension.isPresent()) {
                extensions.mfaApproved(extension.get().id(), assertionId);
            } else {
                approvals.approved(a.id(), a.challengeId(), assertionId);
            }
        }
        process.mfaAnswered(a, approved);
        log.info("MFA {} for activation {} (challenge {})", Decision.of(approved), a.id(), a.challengeId());
        return new MfaOutcome.Accepted(approved);
    }

    /** Audits a refused answer on its activation. */
    public MfaOutcome.Rejected reject(
            Activation a, String channel, String field, String reason, Map<String, Object> evidence) {
        log.warn("MFA answer ({}) for activation {} rejected: {}", channel, a.id(), reason);
        recorder.mfaRejected(a, channel, reason, evidence);
        return new MfaOutcome.Rejected(new InvalidEventException(field, reason));
    }
}
