package dev.pimflow.workflow.audit;

import dev.pimflow.audit.AuditRecord;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.outbox.Outbox;
import dev.pimflow.workflow.outbox.SignalledWorker;
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
public class AuditChainer extends SignalledWorker {
    private final AuditTrail audit;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final PimProperties.Audit settings;
    private final String auditTopic;

    public AuditChainer(AuditTrail audit, Outbox outbox, TransactionTemplate tx, AuditSignal signal, PimProperties properties) {
        super("audit-chainer", signal);
        this.audit = audit;
        this.outbox = outbox;
        this.tx = tx;
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
    protected int runBatch() {
        return chainBatch();
    }

    @Override
    protected int batchSize() {
        return settings.chainBatchSize();
    }

    @Override
    protected Duration pollInterval() {
        return settings.chainInterval();
    }

    @Override
    protected String failureDescription() {
        return "Audit chainer could not link pending records";
    }

    @Override
    public int getPhase() {
        // stops before the outbox relay (higher phase stops first), so the relay can still send what the last batch wrote
        return Integer.MAX_VALUE - 900;
    }
}
