package dev.pimflow.cli;

import dev.pimflow.contracts.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The few Kafka operations pimctl needs, each bounded by {@link KafkaSettings#timeout()} so an unreachable broker fails
 * fast, and each failure turned into a one-line {@link CliException} that says what to fix.
 */
final class KafkaIo {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    private static final String CLIENT_ID = "pimctl";

    private final KafkaSettings settings;

    KafkaIo(KafkaSettings settings) {
        this.settings = settings;
    }

    Properties producerConfig() {
        Properties p = common();
        long timeout = settings.timeout().toMillis();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // send() blocks at most this long for metadata (an unreachable broker), and a record is given up after
        // delivery.timeout.ms, which must be at least linger.ms + request.timeout.ms
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeout + 5_000));
        return p;
    }

    Properties consumerConfig() {
        Properties p = common();
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // no group: partitions are assigned by hand, so reading joins no group, commits nothing and leaves nothing
        // behind
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return withApiTimeouts(p);
    }

    Properties adminConfig() {
        return withApiTimeouts(common());
    }

    /** A consumer's or the admin client's requests and blocking calls bounded by the timeout. */
    private Properties withApiTimeouts(Properties p) {
        long timeout = settings.timeout().toMillis();
        p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
        p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
        return p;
    }

    private Properties common() {
        Properties p = new Properties();
        p.put("bootstrap.servers", settings.bootstrapServers());
        p.put("client.id", CLIENT_ID);
        // do not hammer a broker that is down: the default backoff is 50 ms
        p.put("reconnect.backoff.ms", "200");
        p.put("reconnect.backoff.max.ms", "1000");
        p.putAll(settings.security());
        return p;
    }

    /** Publishes one record (after checking that the topic exists) and waits until all in-sync replicas have it. */
    RecordMetadata publish(String topic, String key, byte[] value, Map<String, String> headers) {
        requireTopic(topic);
        KafkaProducer<String, byte[]> producer = create(() -> new KafkaProducer<>(producerConfig()));
        try {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            headers.forEach(
                    (name, v) -> record.headers().add(new RecordHeader(name, v.getBytes(StandardCharsets.UTF_8))));
            return producer.send(record).get(settings.timeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while publishing to " + topic);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
            throw translate(e, topic);
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    /** Publishes a structured-mode CloudEvent ({@code content-type: application/cloudevents+json}), as {@link #publish}. */
    RecordMetadata publishEvent(String topic, String key, byte[] cloudEvent) {
        return publish(topic, key, cloudEvent, Map.of(Events.CONTENT_TYPE_HEADER, EventCodec.contentType()));
    }

    /** Fails with a one-line error when Kafka cannot be reached or the topic does not exist. */
    void requireTopic(String topic) {
        Admin admin = create(() -> Admin.create(adminConfig()));
        try {
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while looking up topic " + topic);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
            throw translate(e, topic);
        } finally {
            admin.close(Duration.ZERO); // nothing to finish: a pending look-up is abandoned
        }
    }

    /**
     * Reads {@code topic} without a consumer group, handing each record to {@code sink}.
     *
     * @param fromBeginning start at the oldest record; otherwise only records published from now on
     * @param wait          how long to read at most
     * @param stopAtEnd     stop as soon as the end the topic had when reading started is reached
     * @return whether the end of the topic was reached (always false when {@code stopAtEnd} is false)
     */
    boolean read(
            String topic,
            boolean fromBeginning,
            Duration wait,
            boolean stopAtEnd,
            Consumer<ConsumerRecord<String, byte[]>> sink) {
        KafkaConsumer<String, byte[]> consumer = create(() -> new KafkaConsumer<>(consumerConfig()));
        try {
            List<TopicPartition> partitions = assign(consumer, List.of(topic), fromBeginning);
            Map<TopicPartition, Long> end = stopAtEnd ? consumer.endOffsets(partitions, settings.timeout()) : Map.of();
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                if (stopAtEnd && caughtUp(consumer, end)) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                consumer.poll(Duration.ofNanos(
                                Math.min(left, Duration.ofMillis(250).toNanos())))
                        .forEach(sink);
            }
        } catch (KafkaException e) {
            throw translate(e, topic);
        } finally {
            consumer.close(CLOSE_TIMEOUT);
        }
    }

    /**
     * Assigns every partition of {@code topics} (no consumer group) and resolves the start positions now, so that nothing
     * published from now on is missed.
     */
    private List<TopicPartition> assign(
            KafkaConsumer<String, byte[]> consumer, List<String> topics, boolean fromBeginning) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, settings.timeout());
            if (infos == null || infos.isEmpty()) {
                throw topicMissing(topic);
            }
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        for (TopicPartition tp : partitions) {
            consumer.position(tp, settings.timeout());
        }
        return partitions;
    }

    /**
     * Starts watching {@code topics} from their current end: the returned {@link Watch} sees every record published after
     * this returns (and none before). Fails with a one-line error when Kafka is unreachable or a topic is missing.
     */
    Watch watch(List<String> topics) {
        KafkaConsumer<String, byte[]> consumer = create(() -> new KafkaConsumer<>(consumerConfig()));
        try {
            assign(consumer, topics, false);
            return new Watch(consumer, String.join(", ", topics));
        } catch (KafkaException e) {
            consumer.close(CLOSE_TIMEOUT);
            throw translate(e, String.join(", ", topics));
        } catch (RuntimeException e) {
            consumer.close(CLOSE_TIMEOUT);
            throw e;
        }
    }

    /** A consumer on the end of some topics, polled by one thread; close it when done. */
    final class Watch implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final String topics;

        private Watch(KafkaConsumer<String, byte[]> consumer, String topics) {
            this.consumer = consumer;
            this.topics = topics;
        }

        /** The records that arrived, waiting at most {@code max} for the first. */
        List<ConsumerRecord<String, byte[]>> poll(Duration max) {
            try {
                List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
                consumer.poll(max).forEach(records::add);
                return records;
            } catch (KafkaException e) {
                throw translate(e, topics);
            }
        }

        @Override
        public void close() {
            consumer.close(CLOSE_TIMEOUT);
        }
    }

    private boolean caughtUp(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), settings.timeout()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    CliException unreachable() {
        return new CliException("cannot reach Kafka at " + settings.bootstrapServers() + " within "
                + settings.timeout().toSeconds() + " s: is the orchestrator running? (set --bootstrap-servers)");
    }

    CliException topicMissing(String topic) {
        return new CliException("topic " + topic + " does not exist at " + settings.bootstrapServers()
                + ": has the orchestrator started against this Kafka? (check --bootstrap-servers and the topic name)");
    }

    private CliException translate(Throwable e, String topic) {
        Throwable cause = e;
        while ((cause instanceof ExecutionException || cause.getClass() == KafkaException.class)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException
                || cause instanceof java.util.concurrent.TimeoutException) {
            return unreachable();
        }
        if (cause instanceof UnknownTopicOrPartitionException) {
            return topicMissing(topic);
        }
        if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
            return new CliException(
                    "Kafka at " + settings.bootstrapServers() + " refused access to " + topic + ": "
                            + Pimctl.oneLine(cause.getMessage()),
                    e);
        }
        return new CliException(
                "Kafka at " + settings.bootstrapServers() + " failed on " + topic + ": "
                        + cause.getClass().getSimpleName() + ": " + Pimctl.oneLine(cause.getMessage()),
                e);
    }

    /** Client constructors fail on a bootstrap address that does not resolve. */
    private <T> T create(java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CliException(
                    "cannot use --bootstrap-servers " + settings.bootstrapServers() + ": "
                            + Pimctl.oneLine(cause.getMessage()),
                    e);
        }
    }
}
