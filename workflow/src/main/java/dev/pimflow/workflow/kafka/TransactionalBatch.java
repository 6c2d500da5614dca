package dev.pimflow.workflow.kafka;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Acts on the records of one Kafka poll in one database transaction instead of one each, with the outcome each record
 * would have had on its own:
 * <ol>
 * <li>every record is first <em>prepared</em> (decoded, checked; no writes) in order, up to the first that fails;</li>
 * <li>the prepared records are <em>applied</em> in one transaction, up to and including the first whose outcome is a
 * rejection (an audited refusal that still has to reach the DLT); that transaction commits;</li>
 * <li>if that transaction fails (a conflict with a job, the database), the same records are applied again one
 * transaction each, so the failure is pinned on its record and everything before it is kept;</li>
 * <li>the record that failed or was rejected is reported to the container's error handler as a
 * {@link BatchListenerFailedException} with its index: the records before it are acknowledged, it is retried or sent to
 * the DLT as a record listener's would be (bad input at once, DESIGN §6.5), and the records after it come again in the
 * next delivery.</li>
 * </ol>
 * A record applied twice (a delivery after a crash) is recognised by its event source and id, as before (DESIGN §6.4).
 *
 * @param <P> what preparing a record yields
 */
final class TransactionalBatch<P> {
    private static final Logger log = LoggerFactory.getLogger(TransactionalBatch.class);

    /** Decodes and checks a record without writing anything; throws what a record listener would have thrown. */
    interface Preparation<P> {
        P prepare(ConsumerRecord<String, byte[]> record);
    }

    /** Acts on a prepared record inside the batch's transaction; returns a rejection to send to the DLT, or null. */
    interface Application<P> {
        RuntimeException apply(ConsumerRecord<String, byte[]> record, P prepared);
    }

    private final TransactionTemplate tx;
    private final Preparation<P> preparation;
    private final Application<P> application;

    TransactionalBatch(TransactionTemplate tx, Preparation<P> preparation, Application<P> application) {
        this.tx = tx;
        this.preparation = preparation;
        this.application = application;
    }

    void handle(List<ConsumerRecord<String, byte[]>> records) {
        List<P> prepared = new ArrayList<>(records.size());
        RuntimeException preparationFailure = null;
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                prepared.add(preparation.prepare(record));
            } catch (RuntimeException e) {
                preparationFailure = e;
                break;
            }
        }
        Outcome outcome = prepared.isEmpty() ? new Outcome(-1, null) : applyTogether(records, prepared);
        if (outcome.failure() != null) {
            throw new BatchListenerFailedException(outcome.failure().getMessage(), outcome.failure(), outcome.index());
        }
        if (preparationFailure != null) {
            throw new BatchListenerFailedException(
                    preparationFailure.getMessage(), preparationFailure, prepared.size());
        }
    }

    /** The index of the record that was rejected or failed, and why; index -1 when every record was applied. */
    private record Outcome(int index, RuntimeException failure) {}

    private Outcome applyTogether(List<ConsumerRecord<String, byte[]>> records, List<P> prepared) {
        try {
            return tx.execute(status -> {
                for (int i = 0; i < prepared.size(); i++) {
                    RuntimeException rejection = application.apply(records.get(i), prepared.get(i));
                    if (rejection != null) {
                        return new Outcome(i, rejection);
                    }
                }
                return new Outcome(-1, null);
            });
        } catch (RuntimeException e) {
            if (prepared.size() == 1) {
                return new Outcome(0, e);
            }
            log.info(
                    "A batch of {} records from {} failed as one transaction ({}); applying them one by one",
                    prepared.size(),
                    records.get(0).topic(),
                    e.toString());
            return applyOneByOne(records, prepared);
        }
    }

    private Outcome applyOneByOne(List<ConsumerRecord<String, byte[]>> records, List<P> prepared) {
        for (int i = 0; i < prepared.size(); i++) {
            int index = i;
            try {
                RuntimeException rejection =
                        tx.execute(status -> application.apply(records.get(index), prepared.get(index)));
                if (rejection != null) {
                    return new Outcome(i, rejection);
                }
            } catch (RuntimeException e) {
                return new Outcome(i, e);
            }
        }
        return new Outcome(-1, null);
    }
}
