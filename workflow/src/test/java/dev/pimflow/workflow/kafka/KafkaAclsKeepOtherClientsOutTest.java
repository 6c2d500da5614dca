package dev.pimflow.workflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pimflow.workflow.embedded.EmbeddedKafkaServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 17 finding 5: a Kafka client on the host joined {@code pimflow.ticket-events}, took the partitions and swallowed
 * a {@code ticket.closed}; the same access forged ticket events and read every challenge and assertion.
 *
 * <p>Here the in-process broker runs with SASL/SCRAM-SHA-512 and the standard KRaft authorizer, and the ACLs are
 * exactly what {@code scripts/kafka/apply-acls.sh} (which docker-compose's kafka-init runs) makes of the documented
 * table {@code scripts/kafka/pimflow-acls.txt}: the test runs the script and applies the kafka-acls.sh arguments it
 * prints. Real second clients then try the attack: a wrong password, a client with another party's credentials, a
 * user with no ACLs. Without the authorizer or without the ACLs the attacks succeed and these tests fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaAclsKeepOtherClientsOutTest {
    static final Path ACL_SCRIPT = Path.of("..", "scripts", "kafka", "apply-acls.sh");
    static final Path ACL_TABLE = Path.of("..", "scripts", "kafka", "pimflow-acls.txt");
    private static final String ADMIN = "admin";
    private static final Map<String, String> PASSWORDS = Map.of(
            "orchestrator", "orchestrator-" + UUID.randomUUID(),
            "ticket-system", "ticket-system-" + UUID.randomUUID(),
            "mfa-gateway", "mfa-gateway-" + UUID.randomUUID(),
            "auditor", "auditor-" + UUID.randomUUID(),
            "intruder", "intruder-" + UUID.randomUUID());
    private static final List<String> TOPICS = List.of(
            "tickets.events",
            "tickets.events.dlt",
            "pim.mfa.challenges",
            "pim.mfa.responses",
            "pim.mfa.responses.dlt",
            "pim.approvals",
            "pim.approvals.decisions",
            "pim.approvals.decisions.dlt",
            "pim.activations",
            "pim.revocations",
            "pim.audit");

    private Path dir;
    private EmbeddedKafkaServer broker;
    private final String adminPassword = "admin-" + UUID.randomUUID();

    @BeforeAll
    void startBrokerWithTheDocumentedAcls() throws Exception {
        dir = Files.createTempDirectory("kafka-acls-test");
        broker = new EmbeddedKafkaServer(
                        freePort(),
                        dir.resolve("kafka"),
                        new EmbeddedKafkaServer.Scram(ADMIN, adminPassword, PASSWORDS))
                .start();
        List<AclBinding> acls = aclsOfTheDocumentedScript(Map.of(
                "orchestrator",
                "User:orchestrator",
                "ticket-system",
                "User:ticket-system",
                "mfa-gateway",
                "User:mfa-gateway",
                "auditor",
                "User:auditor"));
        assertThat(acls)
                .as("one ACL binding per operation of each line of the four parties in " + ACL_TABLE)
                .hasSize(expectedBindings(List.of("orchestrator", "ticket-system", "mfa-gateway", "auditor")));
        try (Admin admin = Admin.create(broker.clientProperties(ADMIN, adminPassword))) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            // wait until the authorizer has them (KRaft applies ACLs through the metadata log)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.describeAcls(AclBindingFilter.ANY)
                                    .values()
                                    .get(30, TimeUnit.SECONDS)
                                    .size()
                            < acls.size()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
        // the orchestrator creates its own topics at start, as pimflow's KafkaAdmin does: the table's Create grants it
        try (Admin orchestrator = Admin.create(client("orchestrator"))) {
            orchestrator
                    .createTopics(TOPICS.stream()
                            .map(t -> new NewTopic(t, 3, (short) 1))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void stopBroker() throws IOException {
        if (broker != null) {
            broker.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theOrchestratorConsumesInItsGroupsAndPublishesWithAnIdempotentProducer() throws Exception {
        String marker = "ticket.requested " + UUID.randomUUID();
        send("ticket-system", "tickets.events", marker);
        assertThat(consumeInGroup("orchestrator", "pimflow.ticket-events", "tickets.events", marker))
                .isTrue();

        for (String topic : List.of(
                "pim.mfa.challenges",
                "pim.activations",
                "pim.revocations",
                "pim.audit",
                "tickets.events.dlt",
                "pim.mfa.responses.dlt",
                "pim.approvals",
                "pim.approvals.decisions.dlt")) {
            send("orchestrator", topic, "from the orchestrator");
        }
        String response = "mfa.response " + UUID.randomUUID();
        send("mfa-gateway", "pim.mfa.responses", response);
        assertThat(consumeInGroup("orchestrator", "pimflow.mfa-responses", "pim.mfa.responses", response))
                .isTrue();
        String decision = "approval.decision " + UUID.randomUUID();
        send("mfa-gateway", "pim.approvals.decisions", decision);
        assertThat(consumeInGroup("orchestrator", "pimflow.approval-decisions", "pim.approvals.decisions", decision))
                .isTrue();
    }

    @Test
    void theMfaGatewayReadsApprovalRequestsAndOnlyItWritesDecisions() throws Exception {
        String request = "approval.requested " + UUID.randomUUID();
        send("orchestrator", "pim.approvals", request);
        assertThat(consumeInGroup("mfa-gateway", "mfa-gateway-approvals", "pim.approvals", request))
                .isTrue();
        for (String user : List.of("intruder", "auditor", "ticket-system")) {
            String forged = "approval.decision forged by " + user + " " + UUID.randomUUID();
            Throwable thrown = catchThrowable(() -> send(user, "pim.approvals.decisions", forged));
            assertThat(thrown).as(user + " writing pim.approvals.decisions").isInstanceOf(ExecutionException.class);
            assertThat(thrown.getCause())
                    .as(user + " writing pim.approvals.decisions")
                    .isInstanceOf(AuthorizationException.class);
            assertThat(valuesOf("pim.approvals.decisions"))
                    .as("what " + user + " tried to publish")
                    .doesNotContain(forged);
        }
    }

    @Test
    void aWrongPasswordIsRefusedAtLogin() {
        Map<String, Object> config = consumerConfig(
                broker.clientProperties("orchestrator", "not-the-orchestrators-password"), "pimflow.ticket-events");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of("tickets.events"));
            assertThatThrownBy(() -> pollFor(consumer, Duration.ofSeconds(20)))
                    .isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void noOtherClientCanJoinTheOrchestratorsConsumerGroups() {
        // the attack of the issue: subscribe to the orchestrator's topic in its group and take partitions
        for (String user : List.of("ticket-system", "mfa-gateway", "auditor", "intruder")) {
            for (String[] groupAndTopic : List.of(
                    new String[] {"pimflow.ticket-events", "tickets.events"},
                    new String[] {"pimflow.mfa-responses", "pim.mfa.responses"},
                    new String[] {"pimflow.approval-decisions", "pim.approvals.decisions"})) {
                try (KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(consumerConfig(client(user), groupAndTopic[0]))) {
                    consumer.subscribe(List.of(groupAndTopic[1]));
                    assertThatThrownBy(() -> pollFor(consumer, Duration.ofSeconds(20)))
                            .as(user + " consuming " + groupAndTopic[1] + " in " + groupAndTopic[0])
                            .isInstanceOf(AuthorizationException.class);
                }
            }
        }
        // the group itself is closed, even to a member that subscribes to a topic it may read: joining would still
        // make the orchestrator's members rebalance, and a member's offset commits would move the group's position
        Map<String, String> readable =
                Map.of("ticket-system", "pim.activations", "mfa-gateway", "pim.mfa.challenges", "auditor", "pim.audit");
        for (var member : readable.entrySet()) {
            for (String group :
                    List.of("pimflow.ticket-events", "pimflow.mfa-responses", "pimflow.approval-decisions")) {
                try (KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(consumerConfig(client(member.getKey()), group))) {
                    consumer.subscribe(List.of(member.getValue()));
                    Throwable thrown = catchThrowable(() -> pollFor(consumer, Duration.ofSeconds(20)));
                    assertThat(thrown)
                            .as(member.getKey() + " joining " + group)
                            .isInstanceOf(GroupAuthorizationException.class);
                    assertThat(((GroupAuthorizationException) thrown).groupId()).isEqualTo(group);
                }
                // nor can it move the group's committed offsets past a ticket.closed without joining
                try (KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(consumerConfig(client(member.getKey()), group))) {
                    TopicPartition partition = new TopicPartition(member.getValue(), 0);
                    assertThatThrownBy(() -> consumer.commitSync(
                                    Map.of(partition, new org.apache.kafka.clients.consumer.OffsetAndMetadata(1))))
                            .as(member.getKey() + " committing offsets of " + group)
                            .isInstanceOf(GroupAuthorizationException.class);
                }
            }
        }
    }

    @Test
    void noOtherClientReadsChallengesOrResponses() throws Exception {
        send("orchestrator", "pim.mfa.challenges", "a challenge");
        send("mfa-gateway", "pim.mfa.responses", "an assertion");
        send("orchestrator", "pim.approvals", "an approval request");
        send("mfa-gateway", "pim.approvals.decisions", "an approver's assertion");
        // without a group (assign and read from the start) and in a group the reader may use
        Map<String, String> readers = Map.of(
                "ticket-system", "ticket-system-probe", "auditor", "auditor-probe", "intruder", "intruder-probe");
        for (var reader : readers.entrySet()) {
            for (String topic :
                    List.of("pim.mfa.challenges", "pim.mfa.responses", "pim.approvals", "pim.approvals.decisions")) {
                try (KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(consumerConfig(client(reader.getKey()), null))) {
                    consumer.assign(partitions(topic));
                    consumer.seekToBeginning(partitions(topic));
                    assertThatThrownBy(() -> pollFor(consumer, Duration.ofSeconds(20)))
                            .as(reader.getKey() + " reading " + topic)
                            .isInstanceOf(TopicAuthorizationException.class);
                }
                try (KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(consumerConfig(client(reader.getKey()), reader.getValue()))) {
                    consumer.subscribe(List.of(topic));
                    Throwable thrown = catchThrowable(() -> pollFor(consumer, Duration.ofSeconds(20)));
                    assertThat(thrown)
                            .as(reader.getKey() + " reading " + topic + " in group " + reader.getValue())
                            .isInstanceOf(AuthorizationException.class);
                }
            }
        }
        // the MFA gateway reads challenges and approval requests but not the responses or decisions (the assertions of
        // other gateways, to replay)
        for (String topic : List.of("pim.mfa.responses", "pim.approvals.decisions")) {
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(consumerConfig(client("mfa-gateway"), null))) {
                consumer.assign(partitions(topic));
                consumer.seekToBeginning(partitions(topic));
                assertThatThrownBy(() -> pollFor(consumer, Duration.ofSeconds(20)))
                        .as("mfa-gateway reading " + topic)
                        .isInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void onlyTheTicketSystemWritesTicketEvents() throws Exception {
        for (String user : List.of("intruder", "auditor", "mfa-gateway")) {
            String forged = "ticket.closed forged by " + user + " " + UUID.randomUUID();
            Throwable thrown = catchThrowable(() -> send(user, "tickets.events", forged));
            assertThat(thrown).as(user + " writing tickets.events").isInstanceOf(ExecutionException.class);
            assertThat(thrown.getCause())
                    .as(user + " writing tickets.events")
                    .isInstanceOf(AuthorizationException.class);
            assertThat(valuesOf("tickets.events"))
                    .as("what " + user + " tried to publish")
                    .doesNotContain(forged);
        }
        String closed = "ticket.closed " + UUID.randomUUID();
        send("ticket-system", "tickets.events", closed);
        assertThat(valuesOf("tickets.events")).contains(closed);
    }

    @Test
    void anAuditorReadsTheAuditTopicButWritesNothing() throws Exception {
        String record = "audit record " + UUID.randomUUID();
        send("orchestrator", "pim.audit", record);
        assertThat(consumeInGroup("auditor", "auditor-reports", "pim.audit", record))
                .isTrue();

        Throwable thrown = catchThrowable(() -> send("auditor", "tickets.events", "ticket.closed from an auditor"));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(AuthorizationException.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(client("auditor"), null))) {
            consumer.assign(partitions("tickets.events"));
            consumer.seekToBeginning(partitions("tickets.events"));
            assertThatThrownBy(() -> pollFor(consumer, Duration.ofSeconds(20)))
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    // ---- the documented ACL script, run for real and read back as kafka-acls.sh would

    /** Runs apply-acls.sh --dry-run for the given principals and turns each kafka-acls.sh argument line into bindings. */
    static List<AclBinding> aclsOfTheDocumentedScript(Map<String, String> principals) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", ACL_SCRIPT.toString(), "--dry-run"));
        principals.forEach((party, principal) -> command.addAll(List.of("--principal", party + "=" + principal)));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit code of " + ACL_SCRIPT).isZero();
        List<AclBinding> bindings = new ArrayList<>();
        out.lines().filter(l -> !l.isBlank()).forEach(line -> bindings.addAll(kafkaAclsArguments(line)));
        return bindings;
    }

    /** The bindings {@code kafka-acls.sh --add --allow-principal P --operation O... --topic|--group N --resource-pattern-type T} adds. */
    static List<AclBinding> kafkaAclsArguments(String line) {
        String[] a = line.trim().split("\\s+");
        String principal = null;
        List<AclOperation> operations = new ArrayList<>();
        ResourceType type = null;
        String name = null;
        PatternType pattern = PatternType.LITERAL;
        assertThat(a[0]).isEqualTo("--add");
        for (int i = 1; i < a.length; i += 2) {
            String value = a[i + 1];
            switch (a[i]) {
                case "--allow-principal" -> principal = value;
                case "--operation" ->
                    operations.add(AclOperation.valueOf(
                            value.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)));
                case "--topic" -> {
                    type = ResourceType.TOPIC;
                    name = value;
                }
                case "--group" -> {
                    type = ResourceType.GROUP;
                    name = value;
                }
                case "--resource-pattern-type" -> pattern = PatternType.valueOf(value.toUpperCase(Locale.ROOT));
                default -> throw new AssertionError("unexpected kafka-acls.sh argument " + a[i] + " in: " + line);
            }
        }
        assertThat(principal).as("principal in: " + line).isNotNull();
        assertThat(type).as("resource in: " + line).isNotNull();
        ResourcePattern resource = new ResourcePattern(type, name, pattern);
        String p = principal;
        return operations.stream()
                .map(op -> new AclBinding(resource, new AccessControlEntry(p, "*", op, AclPermissionType.ALLOW)))
                .toList();
    }

    /** Operations listed in the table for these parties: what the script must have turned into ACLs. */
    static int expectedBindings(List<String> parties) throws IOException {
        return Files.readAllLines(ACL_TABLE).stream()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.split("\\s+"))
                .filter(c -> parties.contains(c[0]))
                .mapToInt(c -> c[4].split(",").length)
                .sum();
    }

    // ---- clients

    private Map<String, Object> client(String user) {
        return broker.clientProperties(user, PASSWORDS.get(user));
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> base, String group) {
        Map<String, Object> config = new HashMap<>(base);
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return config;
    }

    /** Publishes as {@code user} with the orchestrator's producer settings (acks=all, idempotent). */
    private void send(String user, String topic, String value) throws Exception {
        Map<String, Object> config = new HashMap<>(client(user));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(topic, "key", value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Joins {@code group} as {@code user} and reads {@code topic} until {@code expected} arrives (or 30 s pass). */
    private boolean consumeInGroup(String user, String group, String topic, String expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(client(user), group))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (expected.equals(r.value())) {
                        consumer.commitSync();
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** Everything on the topic, read by the super user. */
    private List<String> valuesOf(String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(consumerConfig(broker.clientProperties(ADMIN, adminPassword), null))) {
            List<TopicPartition> partitions = partitions(topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }

    /** Polls until something is thrown or the time is up; fails if nothing was thrown. */
    private static void pollFor(KafkaConsumer<String, String> consumer, Duration time) {
        long deadline = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200));
        }
        throw new AssertionError("the client was let in: no error within " + time);
    }

    private static List<TopicPartition> partitions(String topic) {
        return IntStream.range(0, 3).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
