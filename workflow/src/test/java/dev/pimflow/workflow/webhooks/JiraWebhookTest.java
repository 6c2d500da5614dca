package dev.pimflow.workflow.webhooks;

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

/** Jira Cloud admin webhooks with a secret: Atlassian's signature (X-Hub-Signature, WebSub) and issue payloads. */
class JiraWebhookTest {
    /** A few minutes after the fixtures' timestamps (1606480436302 … 1606480700000). */
    private static final Clock SOON_AFTER = Clock.fixed(Instant.ofEpochMilli(1606480800000L), ZoneOffset.UTC);

    private static JiraWebhook webhook(List<String> secrets, Map<String, String> people, Clock clock) {
        return new JiraWebhook(
                new WebhookSettings.Jira(
                        secrets,
                        "Jira",
                        Duration.ofMinutes(30),
                        "customfield_10050",
                        "customfield_10051",
                        "customfield_10052",
                        "/",
                        "Jira issue {key}: {summary}",
                        List.of("done"),
                        people),
                Duration.ofMinutes(1),
                Fixtures.PEOPLE,
                clock);
    }

    private static final Map<String, String> ACCOUNTS =
            Map.of("99:27935d01-92a7-4687-8272-a9b8d3b2ae2e", "bryan@contoso.example");

    private static Translation receive(JiraWebhook webhook, String fixture) {
        byte[] body = Fixtures.read("jira/" + fixture);
        String signature = "sha256=" + Fixtures.hex(Fixtures.hmac("secret", body));
        return webhook.receive(Fixtures.headers(Map.of("X-Hub-Signature", signature)), body);
    }

    /**
     * Atlassian's published example (developer.atlassian.com/cloud/jira/platform/webhooks, "Secure admin webhooks"):
     * secret "It's a Secret to Everybody", payload "Hello World!" → sha256=a4771c39…63c9; recomputed with
     * {@code printf 'Hello World!' | openssl dgst -sha256 -hmac "It's a Secret to Everybody"}.
     */
    @Test
    void atlassiansPublishedVectorVerifies() {
        webhook(List.of("It's a Secret to Everybody"), ACCOUNTS, SOON_AFTER)
                .verify(
                        "sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9",
                        "Hello World!".getBytes(StandardCharsets.UTF_8));
    }

    /** {@code openssl dgst -sha256 -hmac jira-secret issue-updated-done.json} → bd63ae05…882e. */
    @Test
    void anOpensslVectorOverAFixtureVerifiesAndAnotherSecretDoesNot() {
        byte[] body = Fixtures.read("jira/issue-updated-done.json");
        String header = "sha256=bd63ae05a38ea89843ad76c207d3ccbf745ff1d25c60a5836055066ecea7882e";
        webhook(List.of("jira-secret"), ACCOUNTS, SOON_AFTER).verify(header, body);
        webhook(List.of("old-jira-secret", "jira-secret"), ACCOUNTS, SOON_AFTER).verify(header, body);
        assertThatThrownBy(() -> webhook(List.of("other"), ACCOUNTS, SOON_AFTER).verify(header, body))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessage("X-Hub-Signature: does not match the body under a configured secret");
    }

    @Test
    void aMissingOrMalformedHeaderIsRefused() {
        JiraWebhook webhook = webhook(List.of("secret"), ACCOUNTS, SOON_AFTER);
        byte[] body = Fixtures.read("jira/issue-updated-done.json");
        assertThatThrownBy(() -> webhook.receive(Fixtures.headers(Map.of()), body))
                .hasMessageStartingWith("X-Hub-Signature: missing");
        String hex = Fixtures.hex(Fixtures.hmac("secret", body));
        assertThatThrownBy(() -> webhook.verify("sha1=" + hex, body)).hasMessage("X-Hub-Signature: not sha256=<hex>");
        assertThatThrownBy(() -> webhook.verify("sha256=zz", body))
                .hasMessage("X-Hub-Signature: does not match the body under a configured secret");
    }

    @Test
    void aDeliveryOlderThanTheWindowIsAReplay() {
        Clock later = Clock.fixed(
                Instant.ofEpochMilli(1606480500000L + Duration.ofMinutes(31).toMillis()), ZoneOffset.UTC);
        assertThatThrownBy(() -> receive(webhook(List.of("secret"), ACCOUNTS, later), "issue-updated-done.json"))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessageStartingWith("timestamp: older than the replay window");
    }

    private final JiraWebhook webhook = webhook(List.of("secret"), ACCOUNTS, SOON_AFTER);

    /** Atlassian's documented example changes the summary and the issue type: nothing pimflow follows. */
    @Test
    void atlassiansDocumentedExampleIsVerifiedAndIgnored() {
        Translation t = receive(webhook, "atlassian-issue-updated.json");
        assertThat(t.ticketNumber()).isEqualTo("JRA-20002");
        assertThat(t.events()).isEmpty();
    }

    @Test
    void createdOpensTheTicketAndAsksForTheRoleInItsFields() {
        Translation t = receive(webhook, "issue-created.json");
        assertThat(t.events())
                .extracting(TicketEvent::id)
                .containsExactly(
                        "99291:issue_created:1606480436302:opened",
                        "99291:issue_created:1606480436302:activation:" + USER_ADMIN_ROLE);
        assertThat(t.events().get(0).data())
                .isEqualTo(new TicketOpened(
                        "Jira",
                        "JRA-20002",
                        "I feel the need for speed",
                        "Minor",
                        List.of(BRYAN),
                        Instant.parse("2009-12-17T05:46:10.612Z")));
        assertThat(t.events().get(1).data())
                .isEqualTo(new ActivationRequested(
                        "Jira",
                        "JRA-20002",
                        BRYAN,
                        USER_ADMIN_ROLE,
                        "/",
                        "Jira issue JRA-20002: I feel the need for speed",
                        Duration.ofHours(2)));
    }

    @Test
    void aStatusChangeIntoTheDoneCategoryCloses() {
        Translation t = receive(webhook, "issue-updated-done.json");
        assertThat(t.events())
                .extracting(TicketEvent::id)
                .containsExactly("99291:issue_updated:1606480500000:10125:closed");
        assertThat(t.events().get(0).data())
                .isEqualTo(new TicketClosed("Jira", "JRA-20002", Instant.ofEpochMilli(1606480500000L), "Done"));
    }

    @Test
    void aStatusChangeOutOfDoneThatClearsTheResolutionReopens() {
        assertThat(receive(webhook, "issue-updated-reopened.json").events())
                .extracting(TicketEvent::data)
                .containsExactly(new TicketReopened("Jira", "JRA-20002", Instant.ofEpochMilli(1606480600000L)));
    }

    @Test
    void anAssigneeChangeAssigns() {
        assertThat(receive(webhook, "issue-updated-assignee.json").events())
                .extracting(TicketEvent::type, TicketEvent::data)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        EventTypes.TICKET_ASSIGNED,
                        new TicketAssigned("Jira", "JRA-20002", List.of(BRYAN), Instant.ofEpochMilli(1606480700000L))));
    }

    @Test
    void anAssigneeWithoutMappingOrEmailIsUnknownAndNamed() {
        JiraWebhook unmapped = webhook(List.of("secret"), Map.of(), SOON_AFTER);
        assertThatThrownBy(() -> receive(unmapped, "issue-updated-assignee.json"))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessageStartingWith("issue.fields.assignee: unknown person")
                .satisfies(e -> assertThat(((WebhookRefusal) e).status()).isEqualTo(422));
    }
}
