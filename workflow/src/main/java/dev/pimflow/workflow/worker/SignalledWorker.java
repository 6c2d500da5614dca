package dev.pimflow.workflow.worker;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A background thread that works in batches: it runs one batch after another while they come back full, then waits
 * until its {@link WakeUp} is signalled (after a commit that gave it work) or the poll interval has passed. A failed
 * batch is retried with exponential back-off (200 ms doubling to 10 s), so a database or broker outage is waited
 * out, not spun on. The outbox-and-audit relay and the audit chainer are the two.
 */
public abstract class SignalledWorker implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(SignalledWorker.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final String threadName;
    private final WakeUp signal;
    private final int batchSize;
    private final Duration pollInterval;
    private final String failureDescription;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param batchSize a batch this size or larger means more may be waiting: run the next one at once
     * @param pollInterval the longest wait between batches when nobody signals
     * @param failureDescription what a failed batch means, for the log line ("Outbox relay could not send")
     */
    protected SignalledWorker(
            String threadName, WakeUp signal, int batchSize, Duration pollInterval, String failureDescription) {
        this.threadName = threadName;
        this.signal = signal;
        this.batchSize = batchSize;
        this.pollInterval = pollInterval;
        this.failureDescription = failureDescription;
    }

    /** Does one batch; returns how many items it handled. */
    protected abstract int runBatch();

    /** False keeps the thread from starting. */
    protected boolean enabled() {
        return true;
    }

    @Override
    public void start() {
        if (!enabled()) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        Duration backoff = FIRST_BACKOFF;
        while (running) {
            try {
                int handled = runBatch();
                backoff = FIRST_BACKOFF;
                if (handled < batchSize) {
                    signal.await(pollInterval);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("{}, will retry in {} ms: {}", failureDescription, backoff.toMillis(), e.toString());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
