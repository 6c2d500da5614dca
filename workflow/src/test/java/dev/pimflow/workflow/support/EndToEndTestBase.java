package dev.pimflow.workflow.support;

import dev.pimflow.contracts.Status;
import dev.pimflow.mfa.MfaAssertionSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole orchestrator (Camunda, listeners, outbox relay, Graph simulator over HTTP) against a real Kafka broker in
 * KRaft mode, driven only through topics, as a ticket system and an MFA gateway would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 3)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EndToEndTestBase extends EndToEndHarnessBase {
    public static final String DEV_SECRET = MfaAssertionSigner.DEVELOPMENT_SECRET;
    protected static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    protected EmbeddedKafkaBroker broker;

    private final HttpClient http = HttpClient.newHttpClient();

    protected EndToEndTestBase() {
        super(WAIT);
    }

    @Override
    protected String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    @Autowired
    private org.springframework.jdbc.core.JdbcTemplate jdbcTemplate;

    /**
     * The test classes share one orchestrator and one simulator: whatever a class left live is closed here, so the next
     * class starts with no active assignment (PIM allows one per principal, role and scope). The ticket system and the
     * topic watcher are closed after this ({@link EndToEndHarnessBase}).
     */
    @AfterAll
    void closeLiveActivations() {
        String live = "SELECT ticket_system, ticket_number FROM activation WHERE status IN ("
                + Stream.of(Status.values())
                        .filter(Status::live)
                        .map(status -> "'" + status.wire() + "'")
                        .collect(Collectors.joining(", "))
                + ")";
        for (var row : jdbcTemplate.queryForList(live)) {
            tickets.closeTicket((String) row.get("ticket_system"), (String) row.get("ticket_number"));
        }
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> jdbcTemplate.queryForList(live).isEmpty());
    }

    /** The activation's status as the orchestrator's database holds it. */
    protected String statusOf(String activationId) {
        return jdbcTemplate.queryForObject("SELECT status FROM activation WHERE id = ?", String.class, activationId);
    }

    /** The process instance that carries the activation. */
    protected String instanceOf(String activationId) {
        return jdbcTemplate.queryForObject(
                "SELECT process_instance_id FROM activation WHERE id = ?", String.class, activationId);
    }

    /** The simulator's control surface ({@code /_simulator/faults}, {@code /reset}, {@code /tokens}). */
    protected HttpResponse<String> simulatorControl(String method, String path, String body) throws Exception {
        String url = simulator.baseUrl().replace("/v1.0", "") + "/_simulator" + path;
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
