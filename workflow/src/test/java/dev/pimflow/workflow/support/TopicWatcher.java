package dev.pimflow.workflow.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads topics from the beginning in the background, as a subscriber of the product would, and lets a test wait for a record. */
public class TopicWatcher implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<ConsumerRecord<String, byte[]>> seen = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public TopicWatcher(String bootstrapServers, Collection<String> topics) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
    }

    /** With the client settings of a broker that authenticates (bootstrap servers, security protocol, SASL). */
    public TopicWatcher(Map<String, Object> client, Collection<String> topics) {
        Map<String, Object> config = new java.util.HashMap<>(client);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-watcher-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        thread = new Thread(
                () -> {
                    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
                        consumer.subscribe(List.copyOf(topics));
                        while (running) {
                            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
                        }
                    }
                },
                "topic-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    public static JsonNode json(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String header(ConsumerRecord<String, byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public List<ConsumerRecord<String, byte[]>> records(String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : seen) {
            if (r.topic().equals(topic) && match.test(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Events (structured CloudEvents) on a topic whose data matches. */
    public List<JsonNode> events(String topic, Predicate<JsonNode> match) {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records(topic, r -> true)) {
            JsonNode event = json(r);
            if (match.test(event)) {
                out.add(event);
            }
        }
        return out;
    }

    public JsonNode awaitEvent(String topic, Duration timeout, Predicate<JsonNode> match) {
        return await().atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> events(topic, match), l -> !l.isEmpty())
                .get(0);
    }

    public ConsumerRecord<String, byte[]> awaitRecord(
            String topic, Duration timeout, Predicate<ConsumerRecord<String, byte[]>> match) {
        return await().atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> records(topic, match), l -> !l.isEmpty())
                .get(0);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
