package dev.pimflow.workflow.worker;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes a background worker (the outbox relay, the audit chainer) as soon as a transaction that gave it work has
 * committed, instead of letting it wait for its next poll.
 */
public class WakeUp {
    private final Semaphore permits = new Semaphore(0);

    public void wake() {
        if (permits.availablePermits() == 0) {
            permits.release();
        }
    }

    /** Wakes the worker after the current transaction commits (at once when there is none). */
    public void wakeAfterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            wake();
            return;
        }
        // one synchronization per transaction and worker, however many rows the transaction wrote
        for (TransactionSynchronization registered : TransactionSynchronizationManager.getSynchronizations()) {
            if (registered instanceof AfterCommit a && a.owner() == this) {
                return;
            }
        }
        TransactionSynchronizationManager.registerSynchronization(new AfterCommit(this));
    }

    private record AfterCommit(WakeUp owner) implements TransactionSynchronization {
        @Override
        public void afterCommit() {
            owner.wake();
        }
    }

    /** Waits until woken or {@code max} has passed. */
    public void await(Duration max) throws InterruptedException {
        if (permits.tryAcquire(max.toMillis(), TimeUnit.MILLISECONDS)) {
            permits.drainPermits();
        }
    }
}
