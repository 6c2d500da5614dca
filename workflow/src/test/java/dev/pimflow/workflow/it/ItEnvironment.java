package dev.pimflow.workflow.it;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.workflow.embedded.EmbeddedKafkaServer;
import dev.pimflow.workflow.support.SimulatorRoles;
import dev.pimflow.workflow.support.TicketSystem;
import dev.pimflow.workflow.support.TopicWatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.TestInfo;
import org.slf4j.LoggerFactory;

/**
 * What outlives the orchestrator nodes of one separate-JVM test: a real KRaft broker (the product's own
 * {@link EmbeddedKafkaServer}) and the Graph simulator, both in the test JVM, so that topics, offsets and the
 * simulated tenant survive a {@code kill -9} of any node; plus a ticket system / MFA gateway ({@link TicketSystem})
 * and a subscriber of every outbound topic ({@link TopicWatcher}). One per test method; {@link #close()} kills the
 * nodes it started and removes the broker's files.
 */
public final class ItEnvironment implements AutoCloseable {
    /** The nodes' admin password; NoSecretInLogsIT looks for it in target/it-logs. */
    public static final String ADMIN_PASSWORD = "it-admin-password";
    /** HS256 secret shared with the nodes (at least 32 bytes), not the development value; NoSecretInLogsIT looks for it too. */
    public static final String MFA_SECRET = "it-mfa-shared-secret-of-the-separate-jvm-tests";

    public static final String AUDIT_HMAC_KEY = "it-audit-hmac-key-shared-by-the-nodes-0123456789";
    public static final List<String> INBOUND_TOPICS = List.of("tickets.events", "pim.mfa.responses");
    public static final List<String> OUTBOUND_TOPICS = List.of(
            "pim.mfa.challenges",
            "pim.activations",
            "pim.revocations",
            "pim.audit",
            "tickets.events.dlt",
            "pim.mfa.responses.dlt");
    public static final String ADMIN_OID = TutorialTenant.ADMIN_ID;

    /**
     * Kafka's default session timeout is 45 s: a member killed with -9 keeps its partitions that long, and a node
     * restarted in its place waits for it. 6 s (the broker's minimum) lets the tests see takeover in seconds.
     */
    static final List<String> KAFKA_CONSUMER_ARGS = List.of(
            "--spring.kafka.consumer.properties[session.timeout.ms]=6000",
            "--spring.kafka.consumer.properties[heartbeat.interval.ms]=1000");

    private static volatile ItEnvironment current;

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // no Spring Boot in this JVM to set levels: keep the broker's and the clients' chatter out of the build output
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.INFO);
        for (String quiet : List.of("org.apache.kafka", "kafka", "state.change.logger", "org.apache.zookeeper")) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(quiet)).setLevel(Level.WARN);
        }
    }

    public final String testName;
    public final Path dir;
    public final EmbeddedKafkaServer broker;
    public final GraphSimulator simulator;
    public final TicketSystem tickets;
    public final TopicWatcher topics;
    public final MfaAssertionSigner gateway = new MfaAssertionSigner(MFA_SECRET, Clock.systemUTC());
    private final List<JarNode> nodes = new ArrayList<>();
    private final List<ItDatabase> databases = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ItEnvironment(String testName) throws IOException {
        this.testName = testName;
        this.dir = Files.createTempDirectory("pimflow-it-");
        Instant t0 = Instant.now();
        this.broker = new EmbeddedKafkaServer(freePort(), dir.resolve("kafka")).start();
        createTopics();
        this.simulator = GraphSimulator.start(0);
        this.tickets = new TicketSystem(broker.bootstrapServers());
        this.topics = new TopicWatcher(broker.bootstrapServers(), OUTBOUND_TOPICS);
        System.out.printf(
                "[it] %s: broker %s, Graph simulator %s, ready in %d ms%n",
                testName,
                broker.bootstrapServers(),
                simulator.baseUrl(),
                Duration.between(t0, Instant.now()).toMillis());
        current = this;
    }

    /** The environment of the running test (for {@link ItDiagnostics}). */
    static ItEnvironment current() {
        return current;
    }

    /** What the live nodes' engines hold (jobs, incidents, activations): printed when a test fails, before the kill. */
    public void printDiagnostics() {
        for (JarNode node : nodes) {
            if (!node.isAlive()) {
                System.out.printf("[it] diagnostics: node %s is not running (log %s)%n", node.name(), node.log());
                continue;
            }
            for (String path : List.of(
                    "/engine-rest/job", "/engine-rest/incident", "/engine-rest/process-instance", "/api/activations")) {
                try {
                    System.out.printf(
                            "[it] diagnostics %s %s: %s%n",
                            node.name(), path, node.send("GET", path, null).body());
                } catch (RuntimeException e) {
                    System.out.printf("[it] diagnostics %s %s failed: %s%n", node.name(), path, e);
                }
            }
            try {
                for (JsonNode a :
                        JSON.readTree(node.send("GET", "/api/activations", null).body())) {
                    System.out.printf(
                            "[it] diagnostics %s audit of %s: %s%n",
                            node.name(),
                            a.path("id").asText(),
                            node.activation(a.path("id").asText()).path("audit"));
                }
            } catch (IOException | RuntimeException e) {
                System.out.printf("[it] diagnostics %s audit failed: %s%n", node.name(), e);
            }
            System.out.printf("[it] diagnostics %s log tail:%n%s%n", node.name(), node.tail(40));
        }
        try {
            System.out.printf(
                    "[it] diagnostics: PIM roles active for Aline now: %s%n", activeRoles(TicketSystem.ALINE));
        } catch (RuntimeException e) {
            System.out.printf("[it] diagnostics: PIM roles failed: %s%n", e);
        }
        topics.records("pim.activations", r -> true)
                .forEach(r -> System.out.printf(
                        "[it] seen on pim.activations: %s%n", new String(r.value(), StandardCharsets.UTF_8)));
        topics.records("pim.revocations", r -> true)
                .forEach(r -> System.out.printf(
                        "[it] seen on pim.revocations: %s%n", new String(r.value(), StandardCharsets.UTF_8)));
    }

    /**
     * An environment named after the test class and method, plus the parameter of a parameterised test (whose display
     * name is its parameter, e.g. POSTGRES; a plain test's display name is "method()").
     */
    public static ItEnvironment start(TestInfo test) {
        String parameter = test.getDisplayName().endsWith(")") ? "" : "-" + test.getDisplayName();
        return start(test.getTestClass().orElseThrow().getSimpleName() + "-"
                + test.getTestMethod().orElseThrow().getName() + parameter);
    }

    /** The database the test's nodes share; closed (a PostgreSQL one dropped) by {@link #close()} after the nodes are gone. */
    public <D extends ItDatabase> D database(D db) {
        databases.add(db);
        return db;
    }

    public static ItEnvironment start(String testName) {
        try {
            return new ItEnvironment(testName);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void createTopics() {
        try (Admin admin = admin()) {
            List<NewTopic> all = new ArrayList<>();
            Stream.concat(INBOUND_TOPICS.stream(), OUTBOUND_TOPICS.stream())
                    .distinct()
                    .forEach(t -> all.add(new NewTopic(t, 3, (short) 1)));
            admin.createTopics(all).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topics", e);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    // ------------------------------------------------------------------ nodes

    /**
     * A node (not started) on this broker and simulator: the brief's settings, short retry cycles, a 5 s job lock so a
     * job locked by a killed node is taken over in seconds, and the given database.
     */
    public JarNode node(String nodeName, ItDatabase db, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SERVER_PORT", Integer.toString(freePort()));
        env.put("PIM_EMBEDDED_KAFKA_ENABLED", "false");
        env.put("PIM_EMBEDDED_DATA_DIR", dir.resolve("data-" + nodeName).toString());
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("PIM_SIMULATOR_ENABLED", "false");
        env.put("PIM_GRAPH_BASE_URL", simulator.baseUrl());
        env.put("PIM_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("PIM_MFA_SHARED_SECRET", MFA_SECRET);
        // the nodes share one audit chain, so one key (ADR 0005); each would otherwise generate its own in its data dir
        env.put("PIM_AUDIT_HMAC_KEY", AUDIT_HMAC_KEY);
        env.put("PIM_MFA_DEV_GATEWAY_ENABLED", "false");
        env.put("PIM_RETRY_VALIDATE", "R3/PT1S");
        env.put("PIM_RETRY_ACTIVATE", "R5/PT1S");
        env.put("PIM_RETRY_REVOKE", "R100/PT1S");
        env.put("CAMUNDA_BPM_JOB_EXECUTION_LOCK_TIME_IN_MILLIS", "5000");
        env.put("CAMUNDA_BPM_JOB_EXECUTION_WAIT_TIME_IN_MILLIS", "200");
        env.put("CAMUNDA_BPM_JOB_EXECUTION_MAX_WAIT", "1000");
        env.put("PIM_OUTBOX_POLL_INTERVAL", "PT0.2S");
        env.putAll(db.env());
        env.putAll(extraEnv);
        int port = Integer.parseInt(env.get("SERVER_PORT"));
        Path log = JarNode.logDir().resolve(testName + "-" + nodeName + ".log");
        try {
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> allArgs = new ArrayList<>(KAFKA_CONSUMER_ARGS);
        allArgs.addAll(List.of(args));
        JarNode node = new JarNode(nodeName, port, env, allArgs, log, ADMIN_PASSWORD);
        nodes.add(node);
        return node;
    }

    public JarNode node(String nodeName, ItDatabase db) {
        return node(nodeName, db, Map.of());
    }

    /** Waits until a consumer group has {@code members} members, all with partitions (the nodes share the topic). */
    public ConsumerGroupDescription awaitGroupMembers(String group, int members, Duration timeout) {
        try (Admin admin = admin()) {
            return await().atMost(timeout)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(
                            () -> admin.describeConsumerGroups(List.of(group))
                                    .all()
                                    .get(5, TimeUnit.SECONDS)
                                    .get(group),
                            d -> d.members().size() == members
                                    && d.members().stream()
                                            .allMatch(m -> !m.assignment()
                                                    .topicPartitions()
                                                    .isEmpty()));
        }
    }

    // ------------------------------------------------------------------ the ticket system and the MFA gateway

    /** {@code ticket.activation-requested} for any role (TicketSystem's own helper asks for User Administrator). */
    public String requestActivation(String ticketNumber, String principalId, String roleDefinitionId, String duration) {
        ObjectNode data = tickets.activationRequest(ticketNumber, principalId, duration);
        data.put("roleDefinitionId", roleDefinitionId);
        return tickets.send(
                "tickets.events",
                TicketSystem.CONTOSO_ICM + ":" + ticketNumber,
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                data);
    }

    /** The MFA gateway's signed approval of a challenge, on {@code pim.mfa.responses}. */
    public void approve(String principalId, String challengeId) {
        tickets.respondToChallenge(challengeId, gateway.sign(principalId, challengeId, true, Duration.ofMinutes(5)));
    }

    /** Requests an activation, waits for its MFA challenge and approves it; returns the activation id. */
    public String requestAndApprove(
            String ticketNumber, String principalId, String roleDefinitionId, String duration, Duration timeout) {
        requestActivation(ticketNumber, principalId, roleDefinitionId, duration);
        JsonNode challenge = awaitChallenge(ticketNumber, timeout);
        approve(principalId, data(challenge, "challengeId"));
        return data(challenge, "activationId");
    }

    // ------------------------------------------------------------------ what the topics show

    public static String data(JsonNode event, String field) {
        return event.path("data").path(field).asText();
    }

    public JsonNode awaitChallenge(String ticketNumber, Duration timeout) {
        return topics.awaitEvent("pim.mfa.challenges", timeout, e -> ticketNumber.equals(data(e, "ticketNumber")));
    }

    public JsonNode awaitStatus(String activationId, Status status, Duration timeout) {
        return topics.awaitEvent(
                "pim.activations",
                timeout,
                e -> activationId.equals(data(e, "activationId")) && status.is(data(e, "status")));
    }

    public JsonNode awaitRevoked(String activationId, Duration timeout) {
        return topics.awaitEvent("pim.revocations", timeout, e -> activationId.equals(data(e, "activationId")));
    }

    /** Every event of a topic about an activation (its data's activationId). */
    public List<JsonNode> eventsOf(String topic, String activationId, Predicate<JsonNode> also) {
        return topics.events(topic, e -> activationId.equals(data(e, "activationId")) && also.test(e));
    }

    /** Distinct CloudEvents ids among events: at-least-once delivery may repeat an id, a second id is a second fact. */
    public static Set<String> ids(List<JsonNode> events) {
        Set<String> ids = new LinkedHashSet<>();
        events.forEach(e -> ids.add(e.path("id").asText()));
        return ids;
    }

    /** Every CloudEvents id seen so far on the outbound topics. */
    public Set<String> allOutboundIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (String topic : OUTBOUND_TOPICS) {
            ids.addAll(ids(topics.events(topic, e -> true)));
        }
        return ids;
    }

    /**
     * Each state change of the activation happened once: exactly one distinct CloudEvents id per given status on
     * {@code pim.activations} and, when revoked, exactly one {@code activation.revoked} (repeats of an id are allowed).
     */
    public void assertOneFactEach(String activationId, Status... statuses) {
        for (Status status : statuses) {
            Set<String> distinct = ids(eventsOf("pim.activations", activationId, e -> status.is(data(e, "status"))));
            org.assertj.core.api.Assertions.assertThat(distinct)
                    .as("distinct '%s' status events of %s", status, activationId)
                    .hasSize(1);
            if (status == Status.REVOKED) {
                org.assertj.core.api.Assertions.assertThat(ids(eventsOf("pim.revocations", activationId, e -> true)))
                        .as("distinct activation.revoked events of %s", activationId)
                        .hasSize(1);
            }
        }
    }

    /** Every audit record the node's REST API shows for the activation also reached {@code pim.audit} (matched by hash). */
    public void awaitAuditPublished(JarNode node, String activationId, Duration timeout) {
        List<String> hashes = new ArrayList<>();
        node.activation(activationId)
                .path("audit")
                .forEach(r -> hashes.add(r.path("hash").asText()));
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Set<String> published = new LinkedHashSet<>();
            eventsOf("pim.audit", activationId, e -> true).forEach(e -> published.add(data(e, "hash")));
            org.assertj.core.api.Assertions.assertThat(published)
                    .as("audit records of %s on pim.audit", activationId)
                    .containsAll(hashes);
        });
    }

    // ------------------------------------------------------------------ the Graph simulator, over HTTP

    /** Role template ids the principal holds active right now ({@code GET roleAssignments?$filter=principalId eq '…'}). */
    public List<String> activeRoles(String principalId) {
        return SimulatorRoles.activeRoles(simulator.baseUrl(), principalId);
    }

    /** {@code /_simulator/…} control calls (no token). */
    public HttpResponse<String> simulatorControl(String method, String path, String body) {
        String base = simulator.baseUrl().replace("/v1.0", "");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/_simulator" + path));
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http(b);
    }

    /** Arms the simulator's fault switch; see connectors/pim/README.md "Control surface". */
    public void armFault(String faultJson) {
        HttpResponse<String> r = simulatorControl("POST", "/faults", faultJson);
        if (r.statusCode() != 201) {
            throw new IllegalStateException("POST /_simulator/faults answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** The faults still armed (a fault with count 1 disappears when the matching request arrives). */
    public int armedFaults() {
        return json(simulatorControl("GET", "/faults", null).body())
                .path("value")
                .size();
    }

    /** Makes the principal directly eligible for a role at "/" for 30 days (adminAssign by the tenant's admin, as Graph wants it). */
    public void makeEligible(String principalId, String roleDefinitionId) {
        String adminToken = json(simulatorControl(
                                "POST", "/tokens", "{\"oid\":\"" + ADMIN_OID + "\",\"amr\":[\"pwd\",\"mfa\"]}")
                        .body())
                .path("access_token")
                .asText();
        ObjectNode body = JSON.createObjectNode();
        body.put("action", "adminAssign");
        body.put("principalId", principalId);
        body.put("roleDefinitionId", roleDefinitionId);
        body.put("directoryScopeId", "/");
        body.put("justification", "Eligibility for the two-node test");
        ObjectNode schedule = body.putObject("scheduleInfo");
        schedule.put("startDateTime", Instant.now().toString());
        schedule.putObject("expiration").put("type", "afterDuration").put("duration", "P30D");
        HttpResponse<String> r = http(HttpRequest.newBuilder(
                        URI.create(simulator.baseUrl() + "/roleManagement/directory/roleEligibilityScheduleRequests"))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        if (r.statusCode() != 201) {
            throw new IllegalStateException(
                    "eligibility for " + roleDefinitionId + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private HttpResponse<String> http(HttpRequest.Builder b) {
        try {
            return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        current = null;
        for (JarNode node : nodes) {
            try {
                node.kill();
            } catch (RuntimeException e) {
                System.err.println("[it] " + e.getMessage());
            }
        }
        closeQuietly(tickets);
        try {
            topics.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(simulator);
        closeQuietly(broker);
        databases.forEach(ItDatabase::close);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[it] cannot delete " + dir + ": " + e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception e) {
            System.err.println("[it] closing " + c + ": " + e);
        }
    }
}
