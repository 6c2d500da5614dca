package dev.pimflow.bench;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.ActivationRevoked;
import dev.pimflow.contracts.ActivationStatus;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.MfaChallenge;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.mfa.MfaAssertionVerifier;
import dev.pimflow.mfa.MfaDecision;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.AssignmentRequest;
import dev.pimflow.pim.Eligibility;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.RemovalRequest;
import dev.pimflow.pim.graph.GraphAuthSettings;
import dev.pimflow.pim.graph.GraphClientSettings;
import dev.pimflow.pim.graph.GraphCredentials;
import dev.pimflow.pim.graph.GraphPimClient;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The plain-pipeline reference: what the same topics and the same Graph calls cost without Camunda, without a
 * database, audit trail or outbox. A Kafka consumer turns each request into the orchestrator's Graph calls
 * (GraphPimClient against the Graph simulator: the precheck's does-the-principal-exist, then role, eligibility and policy), publishes
 * the MFA challenge, verifies the signed approval (same verifier), assigns, and on close removes and publishes the
 * revocation. State is a map in memory: nothing survives a crash, which is exactly what the orchestrator pays for.
 */
final class PlainPipeline implements AutoCloseable {
    private final EventCodec codec = new EventCodec();
    private final PimDirectory pim;
    private final MfaAssertionVerifier verifier;
    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService workers;
    private final List<Thread> consumers = new ArrayList<>();
    private final Map<String, State> byTicket = new ConcurrentHashMap<>();
    private final Map<String, State> byChallenge = new ConcurrentHashMap<>();
    private final Map<String, Boolean> knownRoles = new ConcurrentHashMap<>();
    private final String bootstrap;
    final AtomicLong errors = new AtomicLong();
    private volatile boolean running = true;

    private static final class State {
        final ActivationRequested request;
        final String activationId = UUID.randomUUID().toString();
        volatile String challengeId;
        volatile String roleDisplayName;
        volatile Assignment assignment;

        State(ActivationRequested request) {
            this.request = request;
        }
    }

    PlainPipeline(String bootstrap, String graphBaseUrl, String mfaSecret, int workerThreads) {
        this.bootstrap = bootstrap;
        this.pim = new GraphPimClient(
                new GraphClientSettings(
                        graphBaseUrl, Duration.ofSeconds(10), 4, Duration.ofMillis(500), Duration.ofSeconds(30)),
                GraphCredentials.create(GraphAuthSettings.simulator(), SimulatorTokenCredential::new));
        this.verifier = MfaAssertionVerifier.hs256(mfaSecret, Clock.systemUTC());
        Map<String, Object> pc = new HashMap<>();
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pc.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        pc.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        pc.put(ProducerConfig.LINGER_MS_CONFIG, 2); // as the orchestrator's producer
        producer = new KafkaProducer<>(pc);
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(workerThreads, r -> {
            Thread t = new Thread(r, "plain-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    PlainPipeline start() {
        consumers.add(consumer("tickets.events", "plain.ticket-events"));
        consumers.add(consumer("pim.mfa.responses", "plain.mfa-responses"));
        consumers.forEach(Thread::start);
        return this;
    }

    private Thread consumer(String topic, String group) {
        Thread t = new Thread(
                () -> {
                    Map<String, Object> cc = new HashMap<>();
                    cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                    cc.put(ConsumerConfig.GROUP_ID_CONFIG, group);
                    cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                    cc.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100); // as the orchestrator's listeners
                    cc.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
                    cc.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
                    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cc)) {
                        consumer.subscribe(List.of(topic));
                        while (running) {
                            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                                workers.execute(() -> handle(r));
                            }
                        }
                    }
                },
                group);
        t.setDaemon(true);
        return t;
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals("tickets.events")) {
                InboundEvent event = codec.read(record.value(), record.headers(), EventTypes.TICKET_EVENTS);
                if (event.type().equals(EventTypes.TICKET_ACTIVATION_REQUESTED)) {
                    requested(codec.data(event, ActivationRequested.class));
                } else {
                    closed(codec.data(event, TicketClosed.class));
                }
            } else {
                InboundEvent event = codec.read(record.value(), record.headers(), Set.of(EventTypes.MFA_RESPONSE));
                responded(codec.data(event, MfaResponse.class));
            }
        } catch (RuntimeException e) {
            if (errors.incrementAndGet() < 10) {
                System.err.println("[bench] plain pipeline: " + e);
            }
        }
    }

    private void requested(ActivationRequested r) {
        // the orchestrator's precheck (role cached, does the principal exist), then the validation task's calls
        if (!knownRoles.containsKey(r.roleDefinitionId())) {
            pim.roleDefinition(r.roleDefinitionId());
            knownRoles.put(r.roleDefinitionId(), true);
        }
        pim.requirePrincipal(r.principalId());
        State s = new State(r);
        byTicket.put(r.ticketNumber(), s);
        s.roleDisplayName = pim.roleDefinition(r.roleDefinitionId()).displayName();
        Eligibility e = pim.eligibility(r.principalId(), r.roleDefinitionId(), r.directoryScopeId());
        var policy = pim.activationPolicy(r.roleDefinitionId());
        if (!e.eligible()
                || (policy.maximumDuration() != null && r.duration().compareTo(policy.maximumDuration()) > 0)) {
            publish(
                    "pim.activations",
                    s.activationId,
                    EventTypes.ACTIVATION_STATUS,
                    status(s, Status.DENIED, Reason.NOT_ELIGIBLE));
            return;
        }
        s.challengeId = UUID.randomUUID().toString();
        byChallenge.put(s.challengeId, s);
        publish(
                "pim.mfa.challenges",
                r.principalId(),
                EventTypes.MFA_CHALLENGE,
                new MfaChallenge(
                        s.challengeId,
                        s.activationId,
                        r.principalId(),
                        r.roleDefinitionId(),
                        s.roleDisplayName,
                        r.ticketSystem(),
                        r.ticketNumber(),
                        Instant.now().plusSeconds(300),
                        "http://localhost:8080/confirm/" + s.challengeId));
        publish("pim.activations", s.activationId, EventTypes.ACTIVATION_STATUS, status(s, Status.PENDING_MFA, null));
    }

    private void responded(MfaResponse response) {
        State s = byChallenge.remove(response.challengeId());
        if (s == null) {
            throw new IllegalStateException("unknown challenge " + response.challengeId());
        }
        ActivationRequested r = s.request;
        MfaDecision d = verifier.verify(response.assertion(), s.challengeId, r.principalId());
        if (!d.approved()) {
            publish(
                    "pim.activations",
                    s.activationId,
                    EventTypes.ACTIVATION_STATUS,
                    status(s, Status.DENIED, Reason.MFA_DENIED));
            return;
        }
        s.assignment = pim.assign(new AssignmentRequest(
                r.principalId(),
                r.roleDefinitionId(),
                r.directoryScopeId(),
                r.duration(),
                r.justification(),
                r.ticketNumber(),
                r.ticketSystem(),
                s.activationId));
        publish("pim.activations", s.activationId, EventTypes.ACTIVATION_STATUS, status(s, Status.ACTIVE, null));
    }

    private void closed(TicketClosed c) {
        State s = byTicket.remove(c.ticketNumber());
        if (s == null || s.assignment == null) {
            return;
        }
        ActivationRequested r = s.request;
        pim.remove(new RemovalRequest(
                r.principalId(),
                r.roleDefinitionId(),
                r.directoryScopeId(),
                "Revoked by pimflow: " + Reason.TICKET_CLOSED.wire(),
                r.ticketNumber(),
                r.ticketSystem()));
        publish(
                "pim.activations",
                s.activationId,
                EventTypes.ACTIVATION_STATUS,
                status(s, Status.REVOKED, Reason.TICKET_CLOSED));
        publish(
                "pim.revocations",
                r.principalId(),
                EventTypes.ACTIVATION_REVOKED,
                new ActivationRevoked(
                        s.activationId,
                        r.principalId(),
                        r.roleDefinitionId(),
                        r.directoryScopeId(),
                        r.ticketSystem(),
                        r.ticketNumber(),
                        Reason.TICKET_CLOSED.wire(),
                        Instant.now()));
    }

    private ActivationStatus status(State s, Status status, Reason reason) {
        ActivationRequested r = s.request;
        Assignment a = s.assignment;
        Instant end = a == null
                ? null
                : a.endDateTime() != null
                        ? a.endDateTime()
                        : (a.startDateTime() != null ? a.startDateTime() : Instant.now()).plus(r.duration());
        return new ActivationStatus(
                s.activationId,
                r.ticketSystem(),
                r.ticketNumber(),
                r.principalId(),
                r.roleDefinitionId(),
                r.directoryScopeId(),
                status.wire(),
                reason == null ? null : reason.wire(),
                a == null ? null : a.startDateTime(),
                end,
                a == null ? null : a.requestId());
    }

    private void publish(String topic, String key, String type, Object data) {
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(topic, key, codec.write(UUID.randomUUID().toString(), type, key, data));
        record.headers()
                .add(new RecordHeader("content-type", EventCodec.contentType().getBytes(StandardCharsets.UTF_8)));
        producer.send(record);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : consumers) {
            t.join(5000);
        }
        workers.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
