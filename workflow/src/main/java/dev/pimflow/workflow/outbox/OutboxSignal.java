package dev.pimflow.workflow.outbox;

import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Wakes the relay as soon as a transaction that wrote to the outbox has committed, instead of waiting for the next poll. */
@Component
public class OutboxSignal {
    private final Semaphore permits = new Semaphore(0);

    public void wake() {
        if (permits.availablePermits() == 0) {
            permits.release();
        }
    }

    void await(Duration max) throws InterruptedException {
        if (permits.tryAcquire(max.toMillis(), TimeUnit.MILLISECONDS)) {
            permits.drainPermits();
        }
    }
}
