package dev.pimflow.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.seed.DevelopmentPagerDuty;
import dev.pimflow.workflow.support.EndToEndTestBase;
import dev.pimflow.workflow.support.TicketSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 14: the embedded default (nothing configured under {@code pim.webhooks.pagerduty}) answers PagerDuty webhooks
 * signed with the published development secret, with the development rule and people, so that {@code pimctl demo --via
 * pagerduty} plays with one command: the demo service's incident acknowledged by Aline's PagerDuty user asks User
 * Administrator for her for PT5H, the role is activated after her MFA approval, and the incident's resolution revokes
 * it (ticket-closed). A webhook signed with another secret is refused. (That the production profile has none of it:
 * {@code DevelopmentPagerDutyOnlyInEmbeddedDefaultTest}.)
 */
@TestPropertySource(properties = "camunda.bpm.process-engine-name=pagerdutydemotest")
class PagerDutyDemoPlaysInTheEmbeddedDefaultTest extends EndToEndTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void theDemoIncidentAsksTheRoleForAlineAndItsResolutionRevokesIt() throws Exception {
        String number = String.valueOf(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));

        HttpResponse<String> forged = post(incident("incident.triggered", number), "not-the-development-secret");
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);

        HttpResponse<String> triggered = post(incident("incident.triggered", number), DevelopmentPagerDuty.SECRET);
        assertThat(triggered.statusCode()).as(triggered.body()).isEqualTo(200);
        assertThat(JSON.readTree(triggered.body()).path("ticket").asText()).isEqualTo("PagerDuty:" + number);

        ObjectNode ack = incident("incident.acknowledged", number);
        HttpResponse<String> acknowledged = post(ack, DevelopmentPagerDuty.SECRET);
        assertThat(acknowledged.statusCode()).as(acknowledged.body()).isEqualTo(200);
        assertThat(JSON.readTree(acknowledged.body()).path("published").toString())
                .as("the development rule of service %s asked for the role", DevelopmentPagerDuty.SERVICE_ID)
                .contains(ack.path("event").path("id").asText() + ":activation:" + DevelopmentPagerDuty.ROLE);

        JsonNode challenge = awaitChallenge(number).path("data");
        assertThat(challenge.path("principalId").asText()).isEqualTo(TicketSystem.ALINE);
        assertThat(challenge.path("roleDefinitionId").asText()).isEqualTo(TicketSystem.USER_ADMINISTRATOR);
        assertThat(challenge.path("ticketSystem").asText()).isEqualTo("PagerDuty");
        String activation = challenge.path("activationId").asText();
        String challengeId = challenge.path("challengeId").asText();
        tickets.respondToChallenge(
                challengeId, gateway.sign(TicketSystem.ALINE, challengeId, true, Duration.ofMinutes(2)));

        JsonNode active = awaitStatus(activation, Status.ACTIVE).path("data");
        assertThat(Duration.between(
                        Instant.parse(active.path("startDateTime").asText()),
                        Instant.parse(active.path("endDateTime").asText())))
                .as("the development rule's duration")
                .isBetween(DevelopmentPagerDuty.DURATION.minusMinutes(1), DevelopmentPagerDuty.DURATION.plusMinutes(1));
        assertThat(activeRoles(TicketSystem.ALINE)).contains(TicketSystem.USER_ADMINISTRATOR);

        HttpResponse<String> resolved = post(incident("incident.resolved", number), DevelopmentPagerDuty.SECRET);
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
        assertThat(awaitRevoked(activation).path("data").path("reason").asText())
                .isEqualTo(Reason.TICKET_CLOSED.wire());
        assertThat(activeRoles(TicketSystem.ALINE)).doesNotContain(TicketSystem.USER_ADMINISTRATOR);
    }

    /** A V3 webhook of the demo service's incident, assigned to and (but for triggered) acted on by Aline. */
    private static ObjectNode incident(String eventType, String number) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode event = root.putObject("event");
        event.put("id", UUID.randomUUID().toString());
        event.put("event_type", eventType);
        event.put("resource_type", "incident");
        event.put("occurred_at", Instant.now().toString());
        ObjectNode agent = event.putObject("agent");
        agent.put("id", DevelopmentPagerDuty.ALINE_USER_ID).put("type", "user_reference");
        ObjectNode data = event.putObject("data");
        data.put("id", "Q" + number);
        data.put("type", "incident");
        data.put("number", Integer.parseInt(number));
        data.put("created_at", Instant.now().minusSeconds(5).toString());
        data.put("title", "Need to invalidate all app refresh tokens for Contoso users.");
        data.putObject("service")
                .put("id", DevelopmentPagerDuty.SERVICE_ID)
                .put("summary", DevelopmentPagerDuty.SERVICE_NAME)
                .put("type", "service_reference");
        data.putArray("assignees")
                .addObject()
                .put("id", DevelopmentPagerDuty.ALINE_USER_ID)
                .put("type", "user_reference");
        data.putObject("priority").put("summary", "P1");
        return root;
    }

    private HttpResponse<String> post(ObjectNode payload, String secret) throws Exception {
        byte[] body = JSON.writeValueAsBytes(payload);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/pagerduty"))
                .header("Content-Type", "application/json")
                .header("X-PagerDuty-Signature", "v1=" + HexFormat.of().formatHex(mac.doFinal(body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
