package dev.pimflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.mfa.MfaAssertionSigner;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The load generator against a running system, through its topics only: a ticket system (publishes
 * {@code ticket.activation-requested} and {@code ticket.closed} on {@code tickets.events}) and an MFA gateway (answers
 * every {@code mfa.challenge} at once with an HS256-signed approval on {@code pim.mfa.responses}), watching
 * {@code pim.activations} and {@code pim.revocations} for the outcome.
 */
final class KafkaDriver implements Workload.Driver {
    static final List<String> WATCHED = List.of("pim.mfa.challenges", "pim.activations", "pim.revocations");
    private static final URI SOURCE = URI.create("urn:pimflow:bench");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String bootstrap;
    private final Tracker tracker;
    private final MfaAssertionSigner signer;
    private final EventCodec codec = new EventCodec();
    private final KafkaProducer<String, byte[]> producer;
    private final Thread consumerThread;
    private volatile boolean running = true;
    private volatile boolean ready;
    private volatile Throwable consumerError;

    KafkaDriver(String name, String bootstrap, String mfaSecret, Tracker tracker) {
        this.name = name;
        this.bootstrap = bootstrap;
        this.tracker = tracker;
        this.signer = new MfaAssertionSigner(mfaSecret, Clock.systemUTC());
        Map<String, Object> pc = new HashMap<>();
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pc.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        pc.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        pc.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        producer = new KafkaProducer<>(pc);
        consumerThread = new Thread(this::consume, name + "-watcher");
        consumerThread.setDaemon(true);
    }

    @Override
    public String name() {
        return name;
    }

    /** Starts watching the outbound topics (from their current end) and returns once every partition is assigned. */
    void start(Duration timeout) throws InterruptedException {
        consumerThread.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready) {
            if (consumerError != null) {
                throw new IllegalStateException("the watcher failed", consumerError);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the watcher got no partitions of " + WATCHED + " within " + timeout);
            }
            Thread.sleep(50);
        }
    }

    private void consume() {
        Map<String, Object> cc = new HashMap<>();
        cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cc.put(ConsumerConfig.GROUP_ID_CONFIG, "pimflow-bench-" + UUID.randomUUID());
        cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cc.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        cc.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        cc.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cc)) {
            consumer.subscribe(WATCHED);
            while (running) {
                var records = consumer.poll(Duration.ofMillis(20));
                if (!ready && consumer.assignment().size() >= WATCHED.size()) {
                    consumer.assignment().forEach(consumer::position); // fix the start offsets before the first request
                    ready = true;
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    try {
                        handle(record);
                    } catch (RuntimeException e) {
                        System.err.println("[bench] cannot handle a record on " + record.topic() + ": " + e);
                    }
                }
            }
        } catch (Throwable e) {
            consumerError = e;
            if (running) {
                System.err.println("[bench] watcher stopped: " + e);
            }
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        JsonNode event;
        try {
            event = JSON.readTree(record.value());
        } catch (java.io.IOException e) {
            return;
        }
        JsonNode data = event.path("data");
        Tracker.Rec r = tracker.get(data.path("ticketNumber").asText(null));
        if (r == null) {
            return; // not this run's
        }
        switch (record.topic()) {
            case "pim.mfa.challenges" -> {
                String challengeId = data.path("challengeId").asText();
                if (tracker.challenged(r, challengeId, data.path("activationId").asText())) {
                    String assertion =
                            signer.sign(data.path("principalId").asText(), challengeId, true, Duration.ofMinutes(5));
                    ObjectNode response = codec.mapper().createObjectNode();
                    response.put("challengeId", challengeId);
                    response.put("assertion", assertion);
                    send("pim.mfa.responses", challengeId, EventTypes.MFA_RESPONSE, response);
                    tracker.approved(r);
                }
            }
            case "pim.activations" -> {
                String status = data.path("status").asText();
                if (Status.ACTIVE.is(status)) {
                    tracker.active(
                            r,
                            OffsetDateTime.parse(data.path("endDateTime").asText())
                                    .toInstant()
                                    .toEpochMilli());
                } else if (Status.DENIED.is(status) || Status.FAILED.is(status) || Status.CANCELLED.is(status)) {
                    tracker.failed(r, status + ": " + data.path("reason").asText());
                }
            }
            case "pim.revocations" ->
                tracker.revoked(
                        r,
                        data.path("reason").asText(),
                        OffsetDateTime.parse(data.path("revokedAt").asText())
                                .toInstant()
                                .toEpochMilli());
            default -> {}
        }
    }

    @Override
    public void request(Tracker.Rec r, Duration duration) {
        ObjectNode data = codec.mapper().createObjectNode();
        data.put("ticketSystem", Workload.TICKET_SYSTEM);
        data.put("ticketNumber", r.ticket);
        data.put("principalId", r.principal);
        data.put("roleDefinitionId", Workload.USER_ADMINISTRATOR);
        data.put("directoryScopeId", r.scope);
        data.put("justification", "Load test of pimflow: invalidate refresh tokens for incident " + r.ticket);
        data.put("duration", duration.toString());
        send("tickets.events", Workload.TICKET_SYSTEM + ":" + r.ticket, EventTypes.TICKET_ACTIVATION_REQUESTED, data);
        tracker.requested(r);
    }

    @Override
    public void close(Tracker.Rec r) {
        ObjectNode data = codec.mapper().createObjectNode();
        data.put("ticketSystem", Workload.TICKET_SYSTEM);
        data.put("ticketNumber", r.ticket);
        data.put("closedAt", OffsetDateTime.now(ZoneOffset.UTC).toString());
        data.put("resolution", "Load test: resolved.");
        send("tickets.events", Workload.TICKET_SYSTEM + ":" + r.ticket, EventTypes.TICKET_CLOSED, data);
        tracker.closed(r);
    }

    private void send(String topic, String key, String type, ObjectNode data) {
        byte[] value = codec.writeInbound(UUID.randomUUID().toString(), type, SOURCE, data);
        producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
            if (e != null) {
                System.err.println("[bench] send to " + topic + " failed: " + e);
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumerThread.join(5000);
        producer.close(Duration.ofSeconds(5));
    }

    // ------------------------------------------------------------------ the system's consumer groups

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Waits until the named consumer groups have members with partitions (the system is consuming). */
    static void awaitGroups(String bootstrap, List<String> groups, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin(bootstrap)) {
            while (true) {
                try {
                    Map<String, ConsumerGroupDescription> d =
                            admin.describeConsumerGroups(groups).all().get(5, TimeUnit.SECONDS);
                    if (d.values().stream()
                            .allMatch(g -> !g.members().isEmpty()
                                    && g.members().stream()
                                            .allMatch(m -> !m.assignment()
                                                    .topicPartitions()
                                                    .isEmpty()))) {
                        return;
                    }
                } catch (Exception ignored) {
                    // not there yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("consumer groups " + groups + " not consuming within " + timeout);
                }
                Thread.sleep(250);
            }
        }
    }

    /** Waits until the topics exist (the orchestrator creates them at start). */
    static void awaitTopics(String bootstrap, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin(bootstrap)) {
            while (true) {
                try {
                    Set<String> names = admin.listTopics().names().get(5, TimeUnit.SECONDS);
                    if (names.containsAll(WATCHED)
                            && names.contains("tickets.events")
                            && names.contains("pim.mfa.responses")) {
                        return;
                    }
                } catch (Exception ignored) {
                    // broker starting
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics not created within " + timeout);
                }
                Thread.sleep(250);
            }
        }
    }

    /** Records not yet consumed by a group on a topic (its lag), -1 if unknown. */
    static long lag(Admin admin, String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(2, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(ask).all().get(2, TimeUnit.SECONDS);
            long lag = 0;
            for (var e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }
}
