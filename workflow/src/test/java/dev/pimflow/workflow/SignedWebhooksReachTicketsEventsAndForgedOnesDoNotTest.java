package dev.pimflow.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.workflow.directory.People;
import dev.pimflow.workflow.support.EndToEndTestBase;
import dev.pimflow.workflow.support.TopicWatcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;

/**
 * DESIGN §9.2 over HTTP and a real broker: a PagerDuty webhook signed with the subscription's secret lands on
 * tickets.events with PagerDuty's event id, keyed by ticket, sourced by the webhook; a forged one is answered 401 and
 * publishes nothing; an endpoint without a secret is 404, an oversized body 413.
 */
@TestPropertySource(
        properties = {
            "camunda.bpm.process-engine-name=webhookstest",
            "pim.webhooks.pagerduty.secrets=e2e-pagerduty-secret",
            "pim.webhooks.pagerduty.people[PTUXL6G]=user123@contoso.example"
        })
@Import(SignedWebhooksReachTicketsEventsAndForgedOnesDoNotTest.Directory.class)
class SignedWebhooksReachTicketsEventsAndForgedOnesDoNotTest extends EndToEndTestBase {
    private static final String ALINE = "11111111-1111-1111-1111-111111111111";
    private static final String SECRET = "e2e-pagerduty-secret";

    /** The people directory is another engineer's port (GraphPeople): a fake that knows one person. */
    @TestConfiguration
    static class Directory {
        @Bean
        @Primary
        People testPeople() {
            return person -> "user123@contoso.example".equals(person) ? Optional.of(ALINE) : Optional.empty();
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private TopicWatcher ticketEvents;

    @LocalServerPort
    int port;

    @BeforeAll
    void watch() {
        ticketEvents = new TopicWatcher(broker.getBrokersAsString(), List.of("tickets.events"));
    }

    @AfterAll
    void stopWatching() throws InterruptedException {
        ticketEvents.close();
    }

    @Test
    void aSignedWebhookLandsWithTheVendorsIdAndAForgedOnePublishesNothing() throws Exception {
        String forgedId = UUID.randomUUID().toString();
        byte[] forged = triggered(forgedId);
        HttpResponse<String> refused =
                post("pagerduty", forged, Map.of("X-PagerDuty-Signature", "v1=" + sign("not-the-secret", forged)));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("X-PagerDuty-Signature: no v1= signature matches");

        String vendorId = UUID.randomUUID().toString();
        byte[] signed = triggered(vendorId);
        HttpResponse<String> accepted =
                post("pagerduty", signed, Map.of("X-PagerDuty-Signature", "v1=" + sign(SECRET, signed)));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.body()).contains(vendorId);

        var record = ticketEvents.awaitRecord(
                "tickets.events",
                WAIT,
                r -> vendorId.equals(TopicWatcher.json(r).path("id").asText()));
        assertThat(record.key()).isEqualTo("PagerDuty:2");
        JsonNode event = TopicWatcher.json(record);
        assertThat(event.path("type").asText()).isEqualTo("ticket.opened");
        assertThat(event.path("source").asText()).isEqualTo("urn:pimflow:webhook:pagerduty");
        assertThat(event.path("data").path("assignees").get(0).asText()).isEqualTo(ALINE);
        // same key, same partition: had the forged one been published, it would be there before the signed one
        assertThat(ticketEvents.records(
                        "tickets.events",
                        r -> forgedId.equals(TopicWatcher.json(r).path("id").asText())))
                .isEmpty();
    }

    @Test
    void anEndpointWithoutASecretIsNotThere() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(post("jira", body, Map.of("X-Hub-Signature", "sha256=" + sign("", body)))
                        .statusCode())
                .isEqualTo(404);
        assertThat(post("nosuchsystem", body, Map.of()).statusCode()).isEqualTo(404);
    }

    /** A declared length over the limit is refused by the webhooks' filter chain, before any endpoint looks at it. */
    @Test
    void aBodyDeclaredOverTheLimitIsRefusedBeforeAnyEndpoint() throws Exception {
        byte[] big = new byte[256 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        // /webhooks/jira has no secret: the endpoint would say 404, the filter says 413 first
        assertThat(post("jira", big, Map.of()).statusCode()).isEqualTo(413);
        assertThat(post("pagerduty", big, Map.of("X-PagerDuty-Signature", "v1=" + sign(SECRET, big)))
                        .statusCode())
                .isEqualTo(413);
    }

    /** A body sent without a length (chunked) is read only up to the limit. */
    @Test
    void aChunkedBodyOverTheLimitIsRefused() throws Exception {
        byte[] big = new byte[256 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/pagerduty"))
                .header("Content-Type", "application/json")
                .header("X-PagerDuty-Signature", "v1=" + sign(SECRET, big))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
    }

    /** PagerDuty's documented incident, triggered now, with the given event id. */
    private static byte[] triggered(String eventId) throws IOException {
        try (InputStream in = SignedWebhooksReachTicketsEventsAndForgedOnesDoNotTest.class.getResourceAsStream(
                "/webhooks/pagerduty/incident.triggered.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("5ac64822-4adc-4fda-ade0-410becf0de4f", eventId)
                    .replace("2020-10-02T18:45:22.169Z", Instant.now().toString())
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(
                secret.isEmpty() ? new byte[1] : secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private HttpResponse<String> post(String system, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/" + system))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
