package dev.pimflow.workflow.webhooks;

import static dev.pimflow.workflow.webhooks.Fixtures.ALINE;
import static dev.pimflow.workflow.webhooks.Fixtures.DAVID;
import static dev.pimflow.workflow.webhooks.Fixtures.USER_ADMIN_ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.TicketAssigned;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.contracts.TicketOpened;
import dev.pimflow.contracts.TicketReopened;
import dev.pimflow.workflow.config.WebhookSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ServiceNow: the business rule's outbound REST message, signed as GlideCertificateEncryption.generateMac signs. */
class ServiceNowWebhookTest {
    private static ServiceNowWebhook webhook(List<String> secrets, Clock clock) {
        return new ServiceNowWebhook(
                new WebhookSettings.ServiceNow(
                        secrets,
                        "ServiceNow",
                        Duration.ofMinutes(5),
                        "number",
                        "state",
                        "assigned_to",
                        "u_pim_role",
                        "u_pim_principal",
                        "u_pim_duration",
                        List.of("6", "7"),
                        "/",
                        "ServiceNow incident {number}: {short_description}"),
                Duration.ofMinutes(1),
                Fixtures.PEOPLE,
                clock);
    }

    /** One minute after the fixture's {@code sentAt}. */
    private static Clock after(String fixture) {
        String sentAt = new String(Fixtures.read("servicenow/" + fixture), StandardCharsets.UTF_8)
                .replaceAll("(?s).*\"sentAt\": \"([^\"]+)\".*", "$1");
        return Clock.fixed(Instant.parse(sentAt).plusSeconds(60), ZoneOffset.UTC);
    }

    private static Translation receive(String fixture) {
        byte[] body = Fixtures.read("servicenow/" + fixture);
        String signature = "sha256=" + Base64.getEncoder().encodeToString(Fixtures.hmac("secret", body));
        return webhook(List.of("secret"), after(fixture))
                .receive(Fixtures.headers(Map.of("X-Pimflow-Signature", signature)), body);
    }

    /**
     * ServiceNow documents {@code generateMac(base64Encode("sample_key"), "HmacSHA256", "sample_data")} (Server API
     * reference, GlideCertificateEncryption) but not its result; computed independently with
     * {@code printf sample_data | openssl dgst -sha256 -hmac sample_key -binary | base64}.
     */
    @Test
    void serviceNowsDocumentedExampleVerifies() {
        webhook(List.of("sample_key"), Clock.systemUTC())
                .verify(
                        "sha256=4VWUI48lJvmGSF6MYmOVWA9c0hfu55Ur+3e+fUFFFr4=",
                        "sample_data".getBytes(StandardCharsets.UTF_8));
    }

    /** {@code openssl dgst -sha256 -hmac servicenow-secret -binary incident-resolved.json | base64}. */
    @Test
    void anOpensslVectorOverAFixtureVerifiesAndAnotherSecretDoesNot() {
        byte[] body = Fixtures.read("servicenow/incident-resolved.json");
        String header = "sha256=eJXpZQ9+Vlxjoh4Ea1sWm+AexYMHL1WsUVdNvwO6p4Q=";
        webhook(List.of("servicenow-secret"), Clock.systemUTC()).verify(header, body);
        webhook(List.of("previous-secret", "servicenow-secret"), Clock.systemUTC())
                .verify(header, body);
        assertThatThrownBy(() -> webhook(List.of("other"), Clock.systemUTC()).verify(header, body))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessage("X-Pimflow-Signature: does not match the body under a configured secret");
    }

    @Test
    void aMissingOrMalformedHeaderIsRefused() {
        ServiceNowWebhook webhook = webhook(List.of("secret"), after("incident-resolved.json"));
        byte[] body = Fixtures.read("servicenow/incident-resolved.json");
        assertThatThrownBy(() -> webhook.receive(Fixtures.headers(Map.of()), body))
                .hasMessage("X-Pimflow-Signature: missing");
        assertThatThrownBy(() -> webhook.verify("sha256=***", body))
                .hasMessage("X-Pimflow-Signature: does not match the body under a configured secret");
        assertThatThrownBy(() -> webhook.verify("md5=abc", body))
                .hasMessage("X-Pimflow-Signature: not sha256=<base64>");
    }

    /** The rule's {@code sentAt} is inside the signature: a message kept and sent again later is refused. */
    @Test
    void aMessageSentAgainAfterTheWindowIsAReplay() {
        byte[] body = Fixtures.read("servicenow/incident-resolved.json");
        String signature = "sha256=" + Base64.getEncoder().encodeToString(Fixtures.hmac("secret", body));
        Clock later = Clock.fixed(Instant.parse("2024-05-01T11:05:02Z"), ZoneOffset.UTC); // sentAt + 5 min + 1 s
        assertThatThrownBy(() -> webhook(List.of("secret"), later)
                        .receive(Fixtures.headers(Map.of("X-Pimflow-Signature", signature)), body))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessageStartingWith("sentAt: older than the replay window (PT5M)");
    }

    @Test
    void aNewIncidentOpensTheTicketAndAsksForTheRoleInItsFields() {
        Translation t = receive("incident-inserted.json");
        assertThat(t.ticketNumber()).isEqualTo("INC0010001");
        assertThat(t.events())
                .extracting(TicketEvent::id)
                .containsExactly(
                        "9d385017c611228701d22104cc95c371:0:opened",
                        "9d385017c611228701d22104cc95c371:0:activation:" + USER_ADMIN_ROLE);
        assertThat(t.events().get(0).data())
                .isEqualTo(new TicketOpened(
                        "ServiceNow",
                        "INC0010001",
                        "Unable to connect to email",
                        "1 - Critical",
                        List.of(ALINE),
                        Instant.parse("2024-05-01T10:00:00Z")));
        assertThat(t.events().get(1).data())
                .isEqualTo(new ActivationRequested(
                        "ServiceNow",
                        "INC0010001",
                        ALINE,
                        USER_ADMIN_ROLE,
                        "/",
                        "ServiceNow incident INC0010001: Unable to connect to email",
                        Duration.ofHours(2)));
    }

    @Test
    void anAssignmentAssigns() {
        assertThat(receive("incident-assigned.json").events())
                .extracting(TicketEvent::data)
                .containsExactly(new TicketAssigned(
                        "ServiceNow", "INC0010001", List.of(DAVID), Instant.parse("2024-05-01T10:05:00Z")));
    }

    @Test
    void aResolvedIncidentCloses() {
        assertThat(receive("incident-resolved.json").events())
                .extracting(TicketEvent::id, TicketEvent::data)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "9d385017c611228701d22104cc95c371:2:closed",
                        new TicketClosed(
                                "ServiceNow",
                                "INC0010001",
                                Instant.parse("2024-05-01T11:00:00Z"),
                                "Solved (Permanently)")));
    }

    @Test
    void anIncidentLeavingResolvedReopens() {
        assertThat(receive("incident-reopened.json").events())
                .extracting(TicketEvent::data)
                .containsExactly(new TicketReopened("ServiceNow", "INC0010001", Instant.parse("2024-05-01T12:00:00Z")));
    }

    @Test
    void anAssigneeTheDirectoryDoesNotKnowIsRefusedAndNamed() {
        byte[] body = new String(Fixtures.read("servicenow/incident-assigned.json"), StandardCharsets.UTF_8)
                .replace("david.loo@example.com", "nobody@example.com")
                .getBytes(StandardCharsets.UTF_8);
        String signature = "sha256=" + Base64.getEncoder().encodeToString(Fixtures.hmac("secret", body));
        assertThatThrownBy(() -> webhook(List.of("secret"), after("incident-assigned.json"))
                        .receive(Fixtures.headers(Map.of("X-Pimflow-Signature", signature)), body))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessage("record.assigned_to: unknown person: not in the directory")
                .satisfies(e -> assertThat(((WebhookRefusal) e).status()).isEqualTo(422));
    }
}
