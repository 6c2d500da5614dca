package dev.pimflow.workflow.audit;

import dev.pimflow.audit.AuditRecord;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.outbox.OutboxSignal;
import dev.pimflow.workflow.worker.SignalledWorker;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Links committed audit records into the hash chain (ADR 0003), one short transaction per batch, and wakes the outbox
 * relay, which publishes the chained records to {@code pim.audit} from the chain itself (ADR 0004). Steps never wait
 * for the chain's head row; only the chainers of the nodes take turns on it.
 */
@Component
public class AuditChainer extends SignalledWorker {
    private final AuditTrail audit;
    private final OutboxSignal relay;
    private final TransactionTemplate tx;
    private final PimProperties.Audit settings;

    public AuditChainer(
            AuditTrail audit,
            OutboxSignal relay,
            TransactionTemplate tx,
            AuditSignal signal,
            PimProperties properties) {
        super(
                "audit-chainer",
                signal,
                properties.audit().chainBatchSize(),
                properties.audit().chainInterval(),
                "Audit chainer could not link pending records");
        this.audit = audit;
        this.relay = relay;
        this.tx = tx;
        this.settings = properties.audit();
    }

    /** Chains one batch; returns how many records it linked. */
    public int chainBatch() {
        Integer n = tx.execute(status -> {
            List<AuditRecord> chained = audit.chainPending(settings.chainBatchSize());
            if (!chained.isEmpty()) {
                relay.wakeAfterCommit();
            }
            return chained.size();
        });
        return n == null ? 0 : n;
    }

    @Override
    protected int runBatch() {
        return chainBatch();
    }

    @Override
    public int getPhase() {
        // stops before the outbox relay (higher phase stops first), so the relay can still send what the last batch
        // chained
        return Integer.MAX_VALUE - 900;
    }
}
