package dev.pimflow.workflow.audit;

import dev.pimflow.audit.AuditRecord;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;

/**
 * Links committed audit records into the hash chain (ADR 0003) and publishes each chained record to
 * {@code pim.audit} through the outbox, both in one short transaction per batch. Steps never wait for the chain's
 * head row; only the chainers of the nodes take turns on it.
 */
@Component
public class AuditChainer implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(AuditChainer.class);

    private final AuditTrail audit;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final AuditSignal signal;
    private final PimProperties.Audit settings;
    private final String auditTopic;
    private volatile boolean running;
    private Thread thread;

    public AuditChainer(AuditTrail audit, Outbox outbox, TransactionTemplate tx, AuditSignal signal, PimProperties properties) {
        this.audit = audit;
        this.outbox = outbox;
        this.tx = tx;
        this.signal = signal;
        this.settings = properties.audit();
        this.auditTopic = properties.topics().audit();
    }

    /** Chains one batch; returns how many records it linked. */
    public int chainBatch() {
        Integer n = tx.execute(status -> {
            List<AuditRecord> chained = audit.chainPending(settings.chainBatchSize());
            outbox.publishAll(chained.stream()
                    .map(r -> new Outbox.Outgoing(auditTopic, r.activationId(), EventTypes.AUDIT_RECORD, r.activationId(), r))
                    .toList());
            return chained.size();
        });
        return n == null ? 0 : n;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "audit-chainer");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        Duration backoff = Duration.ofMillis(200);
        while (running) {
            try {
                int chained = chainBatch();
                backoff = Duration.ofMillis(200);
                if (chained < settings.chainBatchSize()) {
                    signal.await(settings.chainInterval());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("Audit chainer could not link pending records, will retry in {} ms: {}", backoff.toMillis(), e.toString());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : backoff.multipliedBy(2);
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

    @Override
    public int getPhase() {
        // stops before the outbox relay (higher phase stops first), so the relay can still send what the last batch wrote
        return Integer.MAX_VALUE - 900;
    }
}
