package dev.pimflow.workflow.activation;

import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.process.ActivationProcess;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The use case "an operator revokes an active activation before its time": in one transaction, with the activation
 * locked, the request is audited with the caller as actor, then the process revokes as for any other trigger.
 */
@Service
public class ManualRevoke {
    private final ActivationStore store;
    private final ActivationRecorder recorder;
    private final ActivationProcess process;
    private final TransactionTemplate tx;

    public ManualRevoke(
            ActivationStore store, ActivationRecorder recorder, ActivationProcess process, TransactionTemplate tx) {
        this.store = store;
        this.recorder = recorder;
        this.process = process;
        this.tx = tx;
    }

    /** What became of a revoke request. */
    public sealed interface Outcome {
        /** Audited and handed to the process, which revokes. */
        record Requested() implements Outcome {}

        record NoSuchActivation() implements Outcome {}

        /** Only an active activation can be revoked. */
        record NotActive(String status) implements Outcome {}
    }

    /**
     * @param actor who asks, e.g. {@code user:alice}
     * @param surface where the request came from (see {@code RequestSurface})
     */
    public Outcome request(String activationId, String actor, String reason, String surface) {
        return tx.execute(s -> {
            Activation a = store.lock(activationId).orElse(null);
            if (a == null) {
                return new Outcome.NoSuchActivation();
            }
            if (!Status.ACTIVE.is(a.status())) {
                return new Outcome.NotActive(a.status());
            }
            recorder.manualRevokeRequested(a, actor, reason, surface);
            process.revokeRequested(a);
            return new Outcome.Requested();
        });
    }
}
