package dev.pimflow.workflow.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.audit.AuditCheckpoint;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.audit.AuditWitness;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.workflow.config.PimProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * The witness of the audit chain outside the database (ADR 0005): the {@code audit.checkpoint} events the relay
 * published to {@code pim.audit}. {@code audit verify} reads them at the time it is asked, from Kafka itself (not from
 * this node's memory, which a restart would lose, nor from the database, which is what is being checked): the tail of
 * the checkpoints' partition, going further back only until one is found. Checkpoints whose MAC does not verify with
 * the chain's key are counted and ignored.
 */
@Component
public class AuditWitnessOnKafka {
    private static final Logger log = LoggerFactory.getLogger(AuditWitnessOnKafka.class);
    /** How long one verification may wait for Kafka. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Records read from the end of the partition at first; each further pass reads four times as many further back. */
    static final int FIRST_WINDOW = 2000;

    private final ConsumerFactory<?, ?> consumers;
    private final AuditTrail audit;
    private final ObjectMapper json;
    private final String topic;

    public AuditWitnessOnKafka(
            ConsumerFactory<?, ?> consumers, AuditTrail audit, EventCodec codec, PimProperties properties) {
        this.consumers = consumers;
        this.audit = audit;
        this.json = codec.mapper();
        this.topic = properties.topics().audit();
        audit.witnessedBy(this::read);
    }

    /** The checkpoints at the end of {@code pim.audit}'s checkpoint partition, or why they could not be read. */
    public AuditWitness read() {
        String source = topic;
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        overrides.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        @SuppressWarnings("unchecked")
        Consumer<String, byte[]> consumer =
                (Consumer<String, byte[]>) consumers.createConsumer(null, "pimflow-audit-verify", null, overrides);
        try (consumer) {
            TopicPartition tp = new TopicPartition(topic, AuditCheckpoint.PARTITION);
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
            long begin = consumer.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
            List<AuditCheckpoint> found = new ArrayList<>();
            long to = end;
            long window = FIRST_WINDOW;
            while (found.isEmpty() && to > begin) {
                long from = Math.max(begin, to - window);
                readRange(consumer, tp, from, to, found, deadline);
                to = from;
                window *= 4;
            }
            return audit.witness(source, found);
        } catch (RuntimeException e) {
            log.warn("audit verify could not read the checkpoints on {}: {}", topic, e.toString());
            return AuditWitness.unavailable(source, source + " could not be read: " + e.getMessage());
        }
    }

    private void readRange(
            Consumer<String, byte[]> consumer,
            TopicPartition tp,
            long from,
            long to,
            List<AuditCheckpoint> found,
            long deadline) {
        consumer.seek(tp, from);
        while (consumer.position(tp, TIMEOUT) < to) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading the checkpoints took longer than " + TIMEOUT);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < to && AuditCheckpoint.KAFKA_KEY.equals(r.key())) {
                    AuditCheckpoint c = parse(r.value());
                    if (c != null) {
                        found.add(c);
                    }
                }
            }
        }
    }

    /** A checkpoint event's data; one that cannot be read becomes a checkpoint that fails its MAC (counted as rejected). */
    private AuditCheckpoint parse(byte[] value) {
        try {
            JsonNode event = json.readTree(value);
            if (!AuditCheckpoint.EVENT_TYPE.equals(event.path("type").asText())) {
                return null;
            }
            JsonNode d = event.path("data");
            return new AuditCheckpoint(
                    d.path("seq").asLong(),
                    d.path("hash").asText(null),
                    d.path("keyedFromSeq").asLong(),
                    d.hasNonNull("at") ? Instant.parse(d.path("at").asText()) : null,
                    d.path("mac").asText(null));
        } catch (Exception e) {
            return new AuditCheckpoint(-1, null, -1, null, null);
        }
    }
}
