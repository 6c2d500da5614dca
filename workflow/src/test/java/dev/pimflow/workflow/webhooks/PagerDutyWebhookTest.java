package dev.pimflow.workflow.webhooks;

import static dev.pimflow.workflow.webhooks.Fixtures.ALINE;
import static dev.pimflow.workflow.webhooks.Fixtures.BRYAN;
import static dev.pimflow.workflow.webhooks.Fixtures.USER_ADMIN_ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.EventTypes;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PagerDuty V3 webhooks: PagerDuty's signature algorithm and its documented incident payloads. */
class PagerDutyWebhookTest {
    /** The documented sample's occurred_at (2020-10-02T18:45:22.169Z), one minute later. */
    private static final Clock ONE_MINUTE_LATER = Clock.fixed(Instant.parse("2020-10-02T18:46:22Z"), ZoneOffset.UTC);

    private static final Map<String, String> PEOPLE_MAP =
            Map.of("PTUXL6G", "user123@contoso.example", "PLH1HKV", "tenex@contoso.example");
    private static final WebhookSettings.PagerDutyRule RULE = new WebhookSettings.PagerDutyRule(
            "PF9KMXH", USER_ADMIN_ROLE, "/", Duration.ofHours(2), "PagerDuty incident {number}: {title}");

    private static PagerDutyWebhook webhook(
            List<String> secrets, List<WebhookSettings.PagerDutyRule> rules, Clock clock) {
        return new PagerDutyWebhook(
                new WebhookSettings.PagerDuty(secrets, "PagerDuty", Duration.ofMinutes(30), PEOPLE_MAP, rules, false),
                Duration.ofMinutes(1),
                Fixtures.PEOPLE,
                clock);
    }

    private static Translation receive(PagerDutyWebhook webhook, String fixture) {
        byte[] body = Fixtures.read("pagerduty/" + fixture);
        String signature = "v1=" + Fixtures.hex(Fixtures.hmac("secret", body));
        return webhook.receive(Fixtures.headers(Map.of("X-PagerDuty-Signature", signature)), body);
    }

    /**
     * PagerDuty's own test vector (github.com/PagerDuty/go-pagerduty, webhookv3/webhookv3_test.go): its secret, its
     * body, its valid signature and its mismatching one. Recomputed independently:
     * {@code openssl dgst -sha256 -hmac 'lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK' go-pagerduty-signature-vector.json}
     * → 0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd.
     */
    private static final String GO_PAGERDUTY_SECRET =
            "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK";

    private final byte[] vectorBody = Fixtures.read("pagerduty/go-pagerduty-signature-vector.json");

    @Test
    void pagerDutysPublishedVectorVerifies() {
        webhook(List.of(GO_PAGERDUTY_SECRET), List.of(), ONE_MINUTE_LATER)
                .verify("v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd", vectorBody);
    }

    @Test
    void pagerDutysPublishedMismatchIsRefused() {
        assertThatThrownBy(() -> webhook(List.of(GO_PAGERDUTY_SECRET), List.of(), ONE_MINUTE_LATER)
                        .verify("v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5", vectorBody))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessageContaining("no v1= signature matches")
                .satisfies(e -> assertThat(((WebhookRefusal) e).status()).isEqualTo(401));
    }

    @Test
    void aBodyChangedByOneByteIsRefused() {
        byte[] changed = new String(vectorBody, StandardCharsets.UTF_8)
                .replace("\"number\":2", "\"number\":3")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> webhook(List.of(GO_PAGERDUTY_SECRET), List.of(), ONE_MINUTE_LATER)
                        .verify("v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd", changed))
                .isInstanceOf(WebhookRefusal.class);
    }

    /**
     * During a rotation PagerDuty sends one v1= per secret, comma-separated. Computed independently over
     * incident.triggered.json: {@code openssl dgst -sha256 -hmac old-secret} → ca81a9e3…c0d5, {@code -hmac new-secret}
     * → 54b14596…9296. Either secret alone, or both, accept the header.
     */
    private static final String ROTATION_HEADER = "v1=ca81a9e345f3a756a2e2fe90d6b681cb4fc09f97145c35c1f34c802fc38bc0d5,"
            + "v1=54b14596bb2d16343e5df8bdd07cb884171d806749afbc808483a1e753209296";

    @Test
    void eitherSecretOfARotationVerifies() {
        byte[] body = Fixtures.read("pagerduty/incident.triggered.json");
        webhook(List.of("old-secret"), List.of(), ONE_MINUTE_LATER).verify(ROTATION_HEADER, body);
        webhook(List.of("new-secret"), List.of(), ONE_MINUTE_LATER).verify(ROTATION_HEADER, body);
        webhook(List.of("another-secret", "new-secret"), List.of(), ONE_MINUTE_LATER)
                .verify("v1=54b14596bb2d16343e5df8bdd07cb884171d806749afbc808483a1e753209296", body);
        assertThatThrownBy(() -> webhook(List.of("another-secret"), List.of(), ONE_MINUTE_LATER)
                        .verify(ROTATION_HEADER, body))
                .isInstanceOf(WebhookRefusal.class);
    }

    @Test
    void aMissingHeaderIsRefused() {
        PagerDutyWebhook webhook = webhook(List.of("secret"), List.of(), ONE_MINUTE_LATER);
        byte[] body = Fixtures.read("pagerduty/incident.triggered.json");
        assertThatThrownBy(() -> webhook.receive(Fixtures.headers(Map.of()), body))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessage("X-PagerDuty-Signature: missing");
    }

    @Test
    void aHeaderWithoutV1OrWithoutHexIsRefused() {
        PagerDutyWebhook webhook = webhook(List.of("secret"), List.of(), ONE_MINUTE_LATER);
        byte[] body = Fixtures.read("pagerduty/incident.triggered.json");
        String right = Fixtures.hex(Fixtures.hmac("secret", body));
        assertThatThrownBy(() -> webhook.verify("v0=" + right, body)).hasMessageContaining("no v1= signature");
        assertThatThrownBy(() -> webhook.verify("v1=not-hex", body)).hasMessageContaining("no v1= signature matches");
        webhook.verify("v1=" + right, body);
    }

    @Test
    void aDeliveryOlderThanTheWindowIsAReplay() {
        Clock later = Clock.fixed(Instant.parse("2020-10-02T19:15:23Z"), ZoneOffset.UTC); // 30 min + 1 s after
        assertThatThrownBy(() -> receive(webhook(List.of("secret"), List.of(), later), "incident.triggered.json"))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessageContaining("event.occurred_at: older than the replay window (PT30M)");
        Clock justInside = Clock.fixed(Instant.parse("2020-10-02T19:15:21Z"), ZoneOffset.UTC);
        assertThat(receive(webhook(List.of("secret"), List.of(), justInside), "incident.triggered.json")
                        .events())
                .hasSize(1);
    }

    @Test
    void aDeliveryFromTheFutureIsRefused() {
        Clock earlier = Clock.fixed(Instant.parse("2020-10-02T18:44:00Z"), ZoneOffset.UTC);
        assertThatThrownBy(() -> receive(webhook(List.of("secret"), List.of(), earlier), "incident.triggered.json"))
                .hasMessageContaining("event.occurred_at: more than PT1M in the future");
    }

    private final PagerDutyWebhook webhook = webhook(List.of("secret"), List.of(RULE), ONE_MINUTE_LATER);

    @Test
    void triggeredOpensTheTicketWithItsAssignees() {
        Translation t = receive(webhook, "incident.triggered.json");
        assertThat(t.ticketNumber()).isEqualTo("2");
        assertThat(t.events()).hasSize(1);
        TicketEvent opened = t.events().get(0);
        assertThat(opened.id()).isEqualTo("5ac64822-4adc-4fda-ade0-410becf0de4f");
        assertThat(opened.type()).isEqualTo(EventTypes.TICKET_OPENED);
        assertThat(opened.data())
                .isEqualTo(new TicketOpened(
                        "PagerDuty",
                        "2",
                        "A little bump in the road",
                        "P1",
                        List.of(ALINE),
                        Instant.parse("2020-04-09T15:16:27Z")));
    }

    @Test
    void acknowledgedAssignsAndAsksForTheRuleRoleForWhoeverAcknowledged() {
        Translation t = receive(webhook, "incident.acknowledged.json");
        assertThat(t.events())
                .extracting(TicketEvent::id)
                .containsExactly(
                        "5ac64822-4adc-4fda-ade0-410becf0de4f",
                        "5ac64822-4adc-4fda-ade0-410becf0de4f:activation:" + USER_ADMIN_ROLE);
        assertThat(t.events().get(0).data())
                .isEqualTo(new TicketAssigned(
                        "PagerDuty", "2", List.of(ALINE), Instant.parse("2020-10-02T18:45:22.169Z")));
        // the agent (PLH1HKV, "Tenex Engineer") acknowledged: the request is theirs
        assertThat(t.events().get(1).data())
                .isEqualTo(new ActivationRequested(
                        "PagerDuty",
                        "2",
                        BRYAN,
                        USER_ADMIN_ROLE,
                        "/",
                        "PagerDuty incident 2: A little bump in the road",
                        Duration.ofHours(2)));
    }

    @Test
    void acknowledgedOnAServiceWithoutARuleOnlyAssigns() {
        PagerDutyWebhook other = webhook(
                List.of("secret"),
                List.of(new WebhookSettings.PagerDutyRule("PXXXXXX", USER_ADMIN_ROLE, "/", Duration.ofHours(1), "x")),
                ONE_MINUTE_LATER);
        assertThat(receive(other, "incident.acknowledged.json").events())
                .extracting(TicketEvent::type)
                .containsExactly(EventTypes.TICKET_ASSIGNED);
    }

    @Test
    void reassignedAssigns() {
        assertThat(receive(webhook, "incident.reassigned.json").events())
                .extracting(TicketEvent::data)
                .containsExactly(new TicketAssigned(
                        "PagerDuty", "2", List.of(ALINE), Instant.parse("2020-10-02T18:45:22.169Z")));
    }

    @Test
    void resolvedCloses() {
        assertThat(receive(webhook, "incident.resolved.json").events())
                .extracting(TicketEvent::data)
                .containsExactly(new TicketClosed(
                        "PagerDuty", "2", Instant.parse("2020-10-02T18:45:22.169Z"), "resolved in PagerDuty"));
    }

    @Test
    void reopenedReopens() {
        assertThat(receive(webhook, "incident.reopened.json").events())
                .extracting(TicketEvent::data)
                .containsExactly(new TicketReopened("PagerDuty", "2", Instant.parse("2020-10-02T18:45:22.169Z")));
    }

    /** PagerDuty's documented sample itself, a priority change: verified, then answered 202 with nothing to publish. */
    @Test
    void anEventPimflowDoesNotFollowPublishesNothing() {
        Translation t = receive(webhook, "incident.priority_updated.json");
        assertThat(t.events()).isEmpty();
        assertThat(t.ignored()).contains("incident.priority_updated");
    }

    @Test
    void anAssigneeOutsideThePeopleMapIsUnknownAndNamed() {
        PagerDutyWebhook unmapped = new PagerDutyWebhook(
                new WebhookSettings.PagerDuty(
                        List.of("secret"), "PagerDuty", Duration.ofMinutes(30), Map.of(), List.of(), false),
                Duration.ofMinutes(1),
                Fixtures.PEOPLE,
                ONE_MINUTE_LATER);
        assertThatThrownBy(() -> receive(unmapped, "incident.triggered.json"))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessageStartingWith("event.data.assignees[0]: unknown person")
                .satisfies(e -> {
                    assertThat(((WebhookRefusal) e).status()).isEqualTo(422);
                    assertThat(((WebhookRefusal) e).ticketNumber()).isEqualTo("2");
                    // the refusal, logged as it is, carries no name from the body
                    assertThat(e.getMessage()).doesNotContain("User 123").doesNotContain("PTUXL6G");
                });
    }

    @Test
    void anAcknowledgerTheDirectoryDoesNotKnowIsRefused() {
        PagerDutyWebhook strangers = new PagerDutyWebhook(
                new WebhookSettings.PagerDuty(
                        List.of("secret"),
                        "PagerDuty",
                        Duration.ofMinutes(30),
                        Map.of("PTUXL6G", "user123@contoso.example", "PLH1HKV", "gone@contoso.example"),
                        List.of(RULE),
                        false),
                Duration.ofMinutes(1),
                Fixtures.PEOPLE,
                ONE_MINUTE_LATER);
        assertThatThrownBy(() -> receive(strangers, "incident.acknowledged.json"))
                .hasMessage("event.agent: unknown person: not in the directory");
    }

    @Test
    void notJsonIsABadPayloadAfterTheSignature() {
        byte[] body = "not json".getBytes(StandardCharsets.UTF_8);
        String signature = "v1=" + Fixtures.hex(Fixtures.hmac("secret", body));
        assertThatThrownBy(() -> webhook.receive(Fixtures.headers(Map.of("X-PagerDuty-Signature", signature)), body))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessage("body: not JSON (or a field named twice)");
    }
}
