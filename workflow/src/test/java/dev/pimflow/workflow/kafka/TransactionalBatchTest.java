package dev.pimflow.workflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pimflow.contracts.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What one transaction per poll keeps of a record listener's outcomes: which records are committed, in how many
 * transactions, and which record the error handler is told about. Records carry their behaviour in their value:
 * {@code ok}, {@code bad} (fails preparation, as bad input does), {@code reject} (an audited refusal), {@code boom}
 * (fails inside the transaction, as a conflict does).
 */
class TransactionalBatchTest {
    private final Transactions transactions = new Transactions();
    private final TransactionalBatch<String> batch =
            new TransactionalBatch<>(new TransactionTemplate(transactions), this::prepare, this::apply);

    @Test
    void aPollOfGoodRecordsIsCommittedInOneTransaction() {
        batch.handle(records("ok", "ok", "ok", "ok"));
        assertThat(transactions.committed).containsExactly(List.of("0", "1", "2", "3"));
        assertThat(transactions.rolledBack).isZero();
    }

    @Test
    void badInputEndsTheBatchBeforeItselfAndIsReportedWithItsIndex() {
        BatchListenerFailedException e = catchThrowableOfType(
                BatchListenerFailedException.class, () -> batch.handle(records("ok", "ok", "bad", "ok")));
        assertThat(e.getIndex()).isEqualTo(2);
        assertThat(e.getCause()).isInstanceOf(InvalidEventException.class);
        assertThat(transactions.committed)
                .as("the records before it, in one transaction; the one after comes again")
                .containsExactly(List.of("0", "1"));
    }

    @Test
    void badInputFirstCommitsNothing() {
        BatchListenerFailedException e =
                catchThrowableOfType(BatchListenerFailedException.class, () -> batch.handle(records("bad", "ok")));
        assertThat(e.getIndex()).isZero();
        assertThat(transactions.committed).isEmpty();
    }

    @Test
    void aRejectionIsCommittedWithTheRecordsBeforeItAndThenReported() {
        BatchListenerFailedException e = catchThrowableOfType(
                BatchListenerFailedException.class, () -> batch.handle(records("ok", "reject", "ok", "reject")));
        assertThat(e.getIndex()).isEqualTo(1);
        assertThat(e.getCause()).isInstanceOf(InvalidEventException.class).hasMessageContaining("refused");
        assertThat(transactions.committed)
                .as("its audit record is kept; the records after it are not acted on yet")
                .containsExactly(List.of("0", "1"));
    }

    @Test
    void aFailingTransactionIsRetriedOneRecordAtATimeSoTheFailureIsPinnedOnItsRecord() {
        BatchListenerFailedException e = catchThrowableOfType(
                BatchListenerFailedException.class, () -> batch.handle(records("ok", "ok", "boom", "ok")));
        assertThat(e.getIndex()).isEqualTo(2);
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
        assertThat(transactions.rolledBack)
                .as("the batch, then the failing record alone")
                .isEqualTo(2);
        assertThat(transactions.committed)
                .as("the records before it are kept, each in its own transaction")
                .containsExactly(List.of("0"), List.of("1"));
    }

    @Test
    void aFailureOfTheOnlyRecordIsReportedWithoutASecondAttempt() {
        BatchListenerFailedException e =
                catchThrowableOfType(BatchListenerFailedException.class, () -> batch.handle(records("boom")));
        assertThat(e.getIndex()).isZero();
        assertThat(transactions.rolledBack).isEqualTo(1);
        assertThat(transactions.committed).isEmpty();
    }

    private String prepare(ConsumerRecord<String, byte[]> record) {
        String kind = new String(record.value(), StandardCharsets.UTF_8);
        if (kind.equals("bad")) {
            throw new InvalidEventException("data", "bad input");
        }
        return kind;
    }

    private RuntimeException apply(ConsumerRecord<String, byte[]> record, String kind) {
        transactions.write(String.valueOf(record.offset()));
        return switch (kind) {
            case "reject" -> new InvalidEventException("data.assertion", "refused");
            case "boom" -> throw new IllegalStateException("could not serialize access");
            default -> null;
        };
    }

    private static List<ConsumerRecord<String, byte[]>> records(String... kinds) {
        return IntStream.range(0, kinds.length)
                .mapToObj(i -> new ConsumerRecord<String, byte[]>(
                        "tickets.events", 0, i, "k", kinds[i].getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    /** A transaction manager that keeps what a transaction wrote only if it commits. */
    private static final class Transactions implements PlatformTransactionManager {
        final List<List<String>> committed = new ArrayList<>();
        int rolledBack;
        private List<String> current;

        void write(String what) {
            assertThat(current).as("written inside a transaction").isNotNull();
            current.add(what);
        }

        @Override
        public TransactionStatus getTransaction(TransactionDefinition definition) {
            assertThat(current).as("no nested transaction").isNull();
            current = new ArrayList<>();
            return new SimpleTransactionStatus(true);
        }

        @Override
        public void commit(TransactionStatus status) {
            committed.add(List.copyOf(current));
            current = null;
        }

        @Override
        public void rollback(TransactionStatus status) {
            rolledBack++;
            current = null;
        }
    }
}
