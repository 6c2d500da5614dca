package dev.pimflow.workflow.kafka;

import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.metrics.PimflowMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/**
 * Topics as {@link NewTopic} beans (DESIGN §3) and one error handler: bad input to {@code <topic>.dlt} at once, other
 * failures retried first. A DLT record is the original record with its original headers, the reason headers
 * {@value #FIELD_HEADER} and {@value #REASON_HEADER}, and spring-kafka's {@code kafka_dlt-original-*} headers (topic,
 * partition, offset, timestamp, consumer group); no exception class, message or stack trace.
 */
@Configuration
public class KafkaConfiguration {
    private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);
    public static final String REASON_HEADER = "pim-dlt-reason";
    public static final String FIELD_HEADER = "pim-dlt-field";

    @Bean
    public KafkaAdmin.NewTopics pimTopics(PimProperties properties) {
        PimProperties.Topics t = properties.topics();
        return new KafkaAdmin.NewTopics(
                topic(t.tickets(), t),
                topic(t.dlt(t.tickets()), t),
                topic(t.mfaChallenges(), t),
                topic(t.mfaResponses(), t),
                topic(t.dlt(t.mfaResponses()), t),
                topic(t.approvals(), t),
                topic(t.approvalDecisions(), t),
                topic(t.dlt(t.approvalDecisions()), t),
                topic(t.activations(), t),
                topic(t.revocations(), t),
                topic(t.audit(), t));
    }

    private static NewTopic topic(String name, PimProperties.Topics t) {
        return TopicBuilder.name(name)
                .partitions(t.partitions())
                .replicas(t.replicas())
                .build();
    }

    @Bean
    public CommonErrorHandler kafkaErrorHandler(KafkaTemplate<String, byte[]> template, PimflowMetrics metrics) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(
                template,
                (ConsumerRecord<?, ?> record, Exception e) -> new TopicPartition(record.topic() + ".dlt", -1));
        // no exception headers (kafka_dlt-exception-fqcn, -cause-fqcn, -message, -stacktrace): whoever reads the DLT
        // gets the field and the reason (pim-dlt-field, pim-dlt-reason) and the original topic, partition and offset,
        // not a Java stack trace of the orchestrator's internals
        recoverer.setExceptionHeadersCreator((kafkaHeaders, exception, isKey, headerNames) -> {});
        recoverer.setHeadersFunction((record, e) -> {
            Headers headers = reasonHeaders(record, e);
            metrics.deadLettered(record.topic() + ".dlt", headers.lastHeader(FIELD_HEADER) != null);
            return headers;
        });
        ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(8);
        backOff.setInitialInterval(200);
        backOff.setMultiplier(2.0);
        backOff.setMaxInterval(10_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(InvalidEventException.class);
        // keep the rest of the poll in memory instead of seeking and re-fetching after each failure: a burst of bad
        // records would otherwise cost one broker round trip (fetch.max.wait.ms) each
        handler.setSeekAfterError(false);
        return handler;
    }

    static Headers reasonHeaders(ConsumerRecord<?, ?> record, Exception e) {
        Throwable cause = e;
        while (cause != null
                && !(cause instanceof InvalidEventException)
                && cause.getCause() != null
                && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        RecordHeaders headers = new RecordHeaders();
        if (cause instanceof InvalidEventException invalid) {
            headers.add(FIELD_HEADER, invalid.field().getBytes(StandardCharsets.UTF_8));
            headers.add(REASON_HEADER, invalid.getMessage().getBytes(StandardCharsets.UTF_8));
            log.warn(
                    "Rejected record {}-{}@{} to the DLT: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    invalid.getMessage());
        } else {
            String reason = "processing failed after retries: " + (cause == null ? e : cause);
            headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
            log.error(
                    "Record {}-{}@{} sent to the DLT: {}", record.topic(), record.partition(), record.offset(), reason);
        }
        return headers;
    }
}
