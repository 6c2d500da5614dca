package dev.pimflow.workflow.kafka;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.workflow.embedded.EmbeddedKafkaServer;
import dev.pimflow.workflow.support.SimulatorRoles;
import dev.pimflow.workflow.support.TicketSystem;
import dev.pimflow.workflow.support.TopicWatcher;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 17 finding 5, end to end: the whole orchestrator runs against the in-process broker with SASL/SCRAM-SHA-512 and
 * the standard authorizer, logged in as {@code orchestrator} with nothing but the documented ACLs (what
 * {@code scripts/kafka/apply-acls.sh} prints for {@code scripts/kafka/pimflow-acls.txt}), which proves the table is
 * enough for it: it creates its topics, consumes in its groups, publishes through the outbox relay. Then the attack of
 * the issue: other clients, with client ids that sort first, try to join {@code pimflow.ticket-events} to take its
 * partitions, and to publish a {@code ticket.closed} themselves. They are refused; the ticket system's close reaches
 * the orchestrator, which revokes the role.
 */
// its own engine name: engine REST and Cockpit look engines up by name in a JVM-wide registry
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"camunda.bpm.process-engine-name=kafkaaclstest", "pim.mfa.dev-gateway-enabled=false"})
@ActiveProfiles("test")
class AnotherKafkaClientCannotSwallowATicketClosedTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    private static final Map<String, String> PASSWORDS = Map.of(
            "orchestrator", "orchestrator-" + UUID.randomUUID(),
            "ticket-system", "ticket-system-" + UUID.randomUUID(),
            "mfa-gateway", "mfa-gateway-" + UUID.randomUUID(),
            "intruder", "intruder-" + UUID.randomUUID());
    private static final Path DIR = tempDir();
    private static final EmbeddedKafkaServer broker = startWithTheDocumentedAcls();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", broker::bootstrapServers);
        registry.add("spring.kafka.security.protocol", () -> "SASL_PLAINTEXT");
        registry.add("spring.kafka.properties.sasl.mechanism", () -> EmbeddedKafkaServer.MECHANISM);
        registry.add(
                "spring.kafka.properties.sasl.jaas.config",
                () -> EmbeddedKafkaServer.scramJaas("orchestrator", PASSWORDS.get("orchestrator")));
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    GraphSimulator simulator;

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void theOrchestratorAloneConsumesItsGroupAndRevokesWhenTheTicketCloses() throws Exception {
        String ticket = "CONTOSO:KafkaAcl-1";
        try (TicketSystem tickets = new TicketSystem(client("ticket-system"));
                TicketSystem gateway = new TicketSystem(client("mfa-gateway"));
                TicketSystem intruder = new TicketSystem(client("intruder"));
                TopicWatcher topics = new TopicWatcher(
                        broker.clientProperties("admin", ADMIN_PASSWORD),
                        List.of("pim.mfa.challenges", "pim.activations", "pim.revocations", "tickets.events"))) {
            tickets.requestActivation(ticket, ALINE, "PT1H");
            JsonNode challenge = topics.awaitEvent(
                            "pim.mfa.challenges",
                            WAIT,
                            e -> ticket.equals(
                                    e.path("data").path("ticketNumber").asText()))
                    .path("data");
            String activationId = challenge.path("activationId").asText();
            String challengeId = challenge.path("challengeId").asText();
            gateway.respondToChallenge(
                    challengeId,
                    new MfaAssertionSigner(MfaAssertionSigner.DEVELOPMENT_SECRET, Clock.systemUTC())
                            .sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
            topics.awaitEvent(
                    "pim.activations",
                    WAIT,
                    e -> activationId.equals(e.path("data").path("activationId").asText())
                            && Status.ACTIVE.is(e.path("data").path("status").asText()));
            assertThat(SimulatorRoles.activeRoles(simulator.baseUrl(), ALINE)).contains(USER_ADMINISTRATOR);

            // the attack: join the orchestrator's group with client ids that sort first, to be given its partitions
            for (String user : List.of("intruder", "ticket-system", "mfa-gateway")) {
                Map<String, Object> config = new HashMap<>(client(user));
                config.put(ConsumerConfig.GROUP_ID_CONFIG, "pimflow.ticket-events");
                config.put(ConsumerConfig.CLIENT_ID_CONFIG, "0000-" + user);
                config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
                config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
                try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
                    consumer.subscribe(List.of("tickets.events"));
                    Throwable thrown = catchThrowable(() -> {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                        while (System.nanoTime() < deadline) {
                            consumer.poll(Duration.ofMillis(200));
                        }
                    });
                    assertThat(thrown)
                            .as(user + " joining pimflow.ticket-events")
                            .isInstanceOf(AuthorizationException.class);
                }
            }
            // ... and to publish the close (or any ticket event) without being the ticket system
            assertThatThrownBy(() -> intruder.closeTicket(ticket)).hasRootCauseInstanceOf(AuthorizationException.class);
            assertThat(status(activationId)).isEqualTo(Status.ACTIVE.wire());

            // the ticket system's close reaches the orchestrator, which is alone in its group, and the role is revoked
            tickets.closeTicket(ticket);
            JsonNode revoked = topics.awaitEvent(
                    "pim.revocations",
                    WAIT,
                    e -> activationId.equals(e.path("data").path("activationId").asText()));
            assertThat(revoked.path("data").path("reason").asText()).isEqualTo(Reason.TICKET_CLOSED.wire());
            await().atMost(WAIT).until(() -> Status.REVOKED.is(status(activationId)));
            await().atMost(WAIT)
                    .until(() -> !SimulatorRoles.activeRoles(simulator.baseUrl(), ALINE)
                            .contains(USER_ADMINISTRATOR));
            // one ticket.closed on the topic: the intruder's never landed
            assertThat(topics.events(
                            "tickets.events", e -> e.path("type").asText().endsWith("closed")))
                    .hasSize(1);
        }
    }

    @Test
    void theOrchestratorsGroupHasOnlyItsOwnMembers() throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties("admin", ADMIN_PASSWORD))) {
            await().atMost(WAIT).untilAsserted(() -> {
                var group = admin.describeConsumerGroups(List.of("pimflow.ticket-events"))
                        .all()
                        .get(10, TimeUnit.SECONDS)
                        .get("pimflow.ticket-events");
                assertThat(group.members()).isNotEmpty();
                assertThat(group.members())
                        .allSatisfy(m -> assertThat(m.clientId()).doesNotStartWith("0000-"));
            });
        }
        // and a client with the orchestrator's user name but not its password does not get in at all
        Map<String, Object> config = new HashMap<>(broker.clientProperties("orchestrator", "guessed-password"));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "pimflow.ticket-events");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of("tickets.events"));
            assertThatThrownBy(() -> {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                        while (System.nanoTime() < deadline) {
                            consumer.poll(Duration.ofMillis(200));
                        }
                    })
                    .isInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
        }
    }

    private String status(String activationId) {
        return jdbc.queryForObject("SELECT status FROM activation WHERE id = ?", String.class, activationId);
    }

    private static Map<String, Object> client(String user) {
        return broker.clientProperties(user, PASSWORDS.get(user));
    }

    private static EmbeddedKafkaServer startWithTheDocumentedAcls() {
        EmbeddedKafkaServer server = new EmbeddedKafkaServer(
                        freePort(), DIR, new EmbeddedKafkaServer.Scram("admin", ADMIN_PASSWORD, PASSWORDS))
                .start();
        try (Admin admin = Admin.create(server.clientProperties("admin", ADMIN_PASSWORD))) {
            List<AclBinding> acls = KafkaAclsKeepOtherClientsOutTest.aclsOfTheDocumentedScript(Map.of(
                    "orchestrator",
                    "User:orchestrator",
                    "ticket-system",
                    "User:ticket-system",
                    "mfa-gateway",
                    "User:mfa-gateway"));
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.describeAcls(AclBindingFilter.ANY)
                                    .values()
                                    .get(30, TimeUnit.SECONDS)
                                    .size()
                            < acls.size()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            return server;
        } catch (Exception e) {
            server.close();
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("pimflow-kafka-acls");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
