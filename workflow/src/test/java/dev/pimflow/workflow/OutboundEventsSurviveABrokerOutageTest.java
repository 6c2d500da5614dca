package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.workflow.embedded.EmbeddedKafkaServer;
import dev.pimflow.workflow.support.TicketSystem;
import dev.pimflow.workflow.support.TopicWatcher;
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
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * DESIGN §6.3: outbound events are committed with the step and sent afterwards. With the broker gone between the
 * commit and the send, the events wait in the outbox; when the broker is back, every one of them is delivered with
 * the id it got at commit time.
 */
// its own engine name (no hyphens: Camunda ignores those): engine REST and Cockpit look engines up by name in a
// JVM-wide registry
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "camunda.bpm.process-engine-name=brokeroutagetest")
@ActiveProfiles("test")
class OutboundEventsSurviveABrokerOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PORT = freePort();
    private static final Path DIR = tempDir();
    private static EmbeddedKafkaServer broker = new EmbeddedKafkaServer(PORT, DIR).start();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> "localhost:" + PORT);
    }

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void eventsCommittedWhileTheBrokerIsDownAreDeliveredWhenItReturns() throws Exception {
        String ticket = "CONTOSO:Outbox-1";
        String activationId;
        try (TicketSystem tickets = new TicketSystem("localhost:" + PORT);
                TopicWatcher topics =
                        new TopicWatcher("localhost:" + PORT, List.of("pim.mfa.challenges", "pim.activations"))) {
            tickets.requestActivation(ticket, ALINE, "PT1H");
            JsonNode challenge = topics.awaitEvent(
                            "pim.mfa.challenges",
                            WAIT,
                            e -> ticket.equals(
                                    e.path("data").path("ticketNumber").asText()))
                    .path("data");
            activationId = challenge.path("activationId").asText();
            String challengeId = challenge.path("challengeId").asText();
            tickets.respondToChallenge(
                    challengeId,
                    new MfaAssertionSigner(MfaAssertionSigner.DEVELOPMENT_SECRET, Clock.systemUTC())
                            .sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
            String id = activationId;
            topics.awaitEvent(
                    "pim.activations",
                    WAIT,
                    e -> id.equals(e.path("data").path("activationId").asText())
                            && Status.ACTIVE.is(e.path("data").path("status").asText()));
        }
        await().atMost(WAIT).until(() -> backlog() == 0);

        // the broker goes away; a manual revoke (over HTTP, no Kafka needed) commits its events to the outbox
        broker.close();
        HttpResponse<String> revoke = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://localhost:" + port + "/api/activations/" + activationId + "/revoke"))
                                .header(
                                        "Authorization",
                                        "Basic "
                                                + Base64.getEncoder()
                                                        .encodeToString("admin:test-admin-password"
                                                                .getBytes(StandardCharsets.UTF_8)))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"incident contained\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(revoke.statusCode()).isEqualTo(202);
        String id = activationId;
        await().atMost(WAIT)
                .until(() -> Status.REVOKED.is(
                        jdbc.queryForObject("SELECT status FROM activation WHERE id = ?", String.class, id)));
        // the revocation's audit records are chained, but not published: the chain is their outbox (ADR 0004)
        await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM audit_pending", Long.class) == 0);
        List<String> pendingRows = jdbc.queryForList("SELECT event_id FROM outbox ORDER BY id", String.class);
        List<String> pendingTypes = jdbc.queryForList("SELECT event_type FROM outbox ORDER BY id", String.class);
        assertThat(pendingTypes).contains(EventTypes.ACTIVATION_STATUS, EventTypes.ACTIVATION_REVOKED);
        List<String> pendingAudit = unpublishedAuditEventIds();
        assertThat(pendingAudit)
                .as("audit records of the revocation not yet published")
                .hasSizeGreaterThanOrEqualTo(2);
        Thread.sleep(3000); // the relay keeps failing meanwhile; nothing may be dropped
        assertThat(jdbc.queryForList("SELECT event_id FROM outbox ORDER BY id", String.class))
                .containsAll(pendingRows);
        assertThat(unpublishedAuditEventIds()).containsAll(pendingAudit);
        List<String> pending = new java.util.ArrayList<>(pendingRows);
        pending.addAll(pendingAudit);

        // the broker returns (same log directory): every pending event arrives, with the id it got at commit
        broker = new EmbeddedKafkaServer(PORT, DIR).start();
        try (TopicWatcher topics =
                new TopicWatcher("localhost:" + PORT, List.of("pim.activations", "pim.revocations", "pim.audit"))) {
            await().atMost(WAIT).untilAsserted(() -> {
                List<String> delivered = new java.util.ArrayList<>();
                for (String topic : List.of("pim.activations", "pim.revocations", "pim.audit")) {
                    topics.events(topic, e -> true)
                            .forEach(e -> delivered.add(e.path("id").asText()));
                }
                assertThat(delivered).containsAll(pending);
            });
            JsonNode revoked = topics.awaitEvent(
                    "pim.revocations",
                    WAIT,
                    e -> id.equals(e.path("data").path("activationId").asText()));
            assertThat(revoked.path("data").path("reason").asText()).isEqualTo(Reason.MANUAL.wire());
        }
        await().atMost(WAIT).until(() -> backlog() == 0);
    }

    /** Outbox rows plus chained audit records not yet published. */
    private long backlog() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM outbox", Long.class)
                + unpublishedAuditEventIds().size();
    }

    private List<String> unpublishedAuditEventIds() {
        return jdbc
                .queryForList(
                        "SELECT hash FROM audit_record WHERE seq > (SELECT last_seq FROM audit_published WHERE id = 1) ORDER BY seq",
                        String.class)
                .stream()
                .map(AuditTrail::eventId)
                .toList();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("pimflow-outage-broker");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
