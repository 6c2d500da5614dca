package dev.pimflow.workflow.support;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.pim.simulator.ContosoTenant;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;

/**
 * Issue 14's story for PagerDuty, Jira and ServiceNow, told to a running orchestrator over HTTP, whichever runs it (the
 * in-JVM Spring Boot test or the packaged jar as a separate JVM): the vendor's signed webhook opens a ticket assigned to
 * Aline; the vendor's own way of asking (an acknowledgement under a rule, Jira's custom fields, ServiceNow's
 * {@code u_pim_*} fields) leads to an MFA challenge; approved, Aline holds User Administrator in PIM; the ticket handed
 * to Bob revokes it ({@code ticket-reassigned}); handed back and asked again, the role is granted again and the
 * ticket's resolution revokes it ({@code ticket-closed}). The webhook bodies are the vendors' samples
 * (src/test/resources/webhooks) with the story's ids, people and times, signed as each vendor signs. The orchestrator
 * must run with {@link #SETTINGS}.
 */
public final class VendorWebhooks {
    public static final String PAGERDUTY_SECRET = "e2e-pagerduty-secret";
    public static final String JIRA_SECRET = "e2e-jira-secret";
    public static final String SERVICENOW_SECRET = "e2e-servicenow-secret";
    /** The PagerDuty sample's service ("API Service") and users ("User 123", "Tenex Engineer"). */
    public static final String PD_SERVICE = "PF9KMXH";

    public static final String PD_ALINE = "PTUXL6G";
    public static final String PD_BOB = "PLH1HKV";
    /** Jira account ids: Aline's is mapped in the settings, Bob's is resolved by the e-mail Jira shows. */
    public static final String JIRA_ALINE = "5b10a2844c20165700ede21g";

    public static final String JIRA_BOB = "5b109f2e9729b51b54dc274d";

    /**
     * The orchestrator's settings for the story, by property name (map keys and list indexes in brackets, as written;
     * the PagerDuty and Jira ids are case-sensitive, so a separate JVM takes them as {@code SPRING_APPLICATION_JSON},
     * not as environment variables, whose names Spring lowercases).
     */
    public static final Map<String, String> SETTINGS = settings();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter JIRA_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GLIDE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** What the story needs of the running orchestrator, besides the topics. */
    public interface Orchestrator {
        /** {@code http://localhost:<port>}. */
        String baseUrl();

        /** A GET of the product's REST API as an admin. */
        HttpResponse<String> get(String path);

        /** Role template ids the principal holds active, as the Graph simulator the orchestrator uses answers. */
        List<String> activeRoles(String principalId);
    }

    private final Orchestrator orchestrator;
    private final TopicWatcher topics;
    private final TicketSystem tickets;
    private final MfaAssertionSigner gateway;
    private final Duration wait;
    private final HttpClient http = HttpClient.newHttpClient();
    /** Challenges already answered: a ticket's second request is told from its first by its challenge id. */
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    /** Jira's changelog ids and ServiceNow's sys_mod_count: one per delivery, as the vendors number their changes. */
    private final AtomicInteger changes = new AtomicInteger(10_200);

    /**
     * @param topics a subscriber of {@code pim.mfa.challenges}, {@code pim.activations} and {@code pim.revocations}
     * @param tickets where the MFA gateway's answers are sent ({@code pim.mfa.responses})
     * @param gateway the MFA gateway's signer, with the orchestrator's shared secret
     */
    public VendorWebhooks(
            Orchestrator orchestrator,
            TopicWatcher topics,
            TicketSystem tickets,
            MfaAssertionSigner gateway,
            Duration wait) {
        this.orchestrator = orchestrator;
        this.topics = topics;
        this.tickets = tickets;
        this.gateway = gateway;
        this.wait = wait;
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("pim.tickets.require-open", "true");
        s.put("pim.tickets.require-assignee", "true");
        s.put("pim.webhooks.pagerduty.secrets", PAGERDUTY_SECRET);
        s.put("pim.webhooks.pagerduty.people[" + PD_ALINE + "]", ContosoTenant.ALINE_UPN);
        s.put("pim.webhooks.pagerduty.people[" + PD_BOB + "]", ContosoTenant.BOB_UPN);
        s.put("pim.webhooks.pagerduty.rules[0].service", PD_SERVICE);
        s.put("pim.webhooks.pagerduty.rules[0].role", ContosoTenant.USER_ADMINISTRATOR_ROLE_ID);
        s.put("pim.webhooks.pagerduty.rules[0].duration", "PT1H");
        s.put("pim.webhooks.jira.secrets", JIRA_SECRET);
        s.put("pim.webhooks.jira.role-field", "customfield_10050");
        s.put("pim.webhooks.jira.principal-field", "customfield_10051");
        s.put("pim.webhooks.jira.duration-field", "customfield_10052");
        s.put("pim.webhooks.jira.people[" + JIRA_ALINE + "]", ContosoTenant.ALINE_UPN);
        s.put("pim.webhooks.servicenow.secrets", SERVICENOW_SECRET);
        return Collections.unmodifiableMap(s);
    }

    // --- the three stories

    /** PagerDuty: triggered, acknowledged (the service's rule asks), reassigned and back, acknowledged, resolved. */
    public void pagerDutyIncident(String incident) {
        String system = "PagerDuty";

        pagerDuty(incident, "incident.triggered", PD_BOB, PD_ALINE);
        awaitTicket(system, incident, "open", ALINE);

        // Aline acknowledges: the rule of the incident's service asks for User Administrator for her
        pagerDuty(incident, "incident.acknowledged", PD_ALINE, PD_ALINE);
        String first = approve(system, incident);
        awaitActive(first);

        pagerDuty(incident, "incident.reassigned", PD_ALINE, PD_BOB);
        awaitRevokedFor(first, Reason.TICKET_REASSIGNED);

        pagerDuty(incident, "incident.reassigned", PD_BOB, PD_ALINE);
        pagerDuty(incident, "incident.acknowledged", PD_ALINE, PD_ALINE);
        String second = approve(system, incident);
        awaitActive(second);

        pagerDuty(incident, "incident.resolved", PD_ALINE, PD_ALINE);
        awaitRevokedFor(second, Reason.TICKET_CLOSED);
        awaitTicket(system, incident, "closed", ALINE);
    }

    /** Jira: created with the request fields, handed to Bob, back with a new duration, done. */
    public void jiraIssue(String issueId, String key) {
        String system = "Jira";

        // created assigned to Aline, with the custom fields asking for User Administrator for her for an hour
        ObjectNode created = jira("issue-created.json", issueId, key, aline(), "indeterminate");
        setRequest(created, "PT1H");
        created.put("webhookEvent", "jira:issue_created");
        jiraDeliver(created);
        awaitTicket(system, key, "open", ALINE);
        String first = approve(system, key);
        awaitActive(first);

        // handed to Bob: the request fields still name Aline, but only the assignee changed
        ObjectNode toBob = jira("issue-updated-assignee.json", issueId, key, bob(), "indeterminate");
        setRequest(toBob, "PT1H");
        changelog(toBob, item("assignee", JIRA_ALINE, JIRA_BOB));
        jiraDeliver(toBob);
        awaitRevokedFor(first, Reason.TICKET_REASSIGNED);

        // handed back, and the duration changed: a new request
        ObjectNode back = jira("issue-updated-assignee.json", issueId, key, aline(), "indeterminate");
        setRequest(back, "PT2H");
        changelog(back, item("assignee", JIRA_BOB, JIRA_ALINE), item("customfield_10052", "PT1H", "PT2H"));
        jiraDeliver(back);
        String second = approve(system, key);
        awaitActive(second);

        ObjectNode done = jira("issue-updated-done.json", issueId, key, aline(), "done");
        setRequest(done, "PT2H");
        changelog(done, item("resolution", null, "10000"), item("status", "3", "10001"));
        jiraDeliver(done);
        awaitRevokedFor(second, Reason.TICKET_CLOSED);
        awaitTicket(system, key, "closed", ALINE);
    }

    /** ServiceNow: inserted with the u_pim_* fields, assigned to Bob, back with a new duration, resolved. */
    public void serviceNowIncident(String sysId, String number) {
        String system = "ServiceNow";

        // inserted assigned to Aline, with the u_pim_* fields asking for User Administrator for her for an hour
        ObjectNode inserted = serviceNow("incident-inserted.json", sysId, number, ContosoTenant.ALINE_UPN, "PT1H");
        serviceNowDeliver(inserted);
        awaitTicket(system, number, "open", ALINE);
        String first = approve(system, number);
        awaitActive(first);

        ObjectNode toBob = serviceNow("incident-assigned.json", sysId, number, ContosoTenant.BOB_UPN, "PT1H");
        changed(toBob, "assigned_to");
        serviceNowDeliver(toBob);
        awaitRevokedFor(first, Reason.TICKET_REASSIGNED);

        ObjectNode back = serviceNow("incident-assigned.json", sysId, number, ContosoTenant.ALINE_UPN, "PT2H");
        changed(back, "assigned_to", "u_pim_duration");
        serviceNowDeliver(back);
        String second = approve(system, number);
        awaitActive(second);

        ObjectNode resolved = serviceNow("incident-resolved.json", sysId, number, ContosoTenant.ALINE_UPN, "PT2H");
        serviceNowDeliver(resolved);
        awaitRevokedFor(second, Reason.TICKET_CLOSED);
        awaitTicket(system, number, "closed", ALINE);
    }

    // --- the story's steps

    /** Approves the ticket's next MFA challenge (one not answered before) as the MFA gateway; its activation id. */
    private String approve(String system, String ticket) {
        JsonNode challenge = topics.awaitEvent(
                        "pim.mfa.challenges",
                        wait,
                        e -> system.equals(e.path("data").path("ticketSystem").asText())
                                && ticket.equals(
                                        e.path("data").path("ticketNumber").asText())
                                && !answered.contains(
                                        e.path("data").path("challengeId").asText()))
                .path("data");
        String challengeId = challenge.path("challengeId").asText();
        answered.add(challengeId);
        assertThat(challenge.path("principalId").asText()).isEqualTo(ALINE);
        assertThat(challenge.path("roleDefinitionId").asText()).isEqualTo(USER_ADMINISTRATOR);
        tickets.respondToChallenge(challengeId, gateway.sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
        return challenge.path("activationId").asText();
    }

    /** {@code active} on {@code pim.activations}, in the REST API, and Aline holds the role in PIM. */
    private void awaitActive(String activationId) {
        topics.awaitEvent(
                "pim.activations",
                wait,
                e -> activationId.equals(e.path("data").path("activationId").asText())
                        && Status.ACTIVE.is(e.path("data").path("status").asText()));
        assertThat(activation(activationId).path("status").asText()).isEqualTo(Status.ACTIVE.wire());
        assertThat(orchestrator.activeRoles(ALINE)).contains(USER_ADMINISTRATOR);
    }

    /** {@code activation.revoked} for the reason, {@code revoked} for it in the REST API, and the role gone from PIM. */
    private void awaitRevokedFor(String activationId, Reason reason) {
        JsonNode revoked = topics.awaitEvent(
                "pim.revocations",
                wait,
                e -> activationId.equals(e.path("data").path("activationId").asText()));
        assertThat(revoked.path("data").path("reason").asText()).isEqualTo(reason.wire());
        JsonNode activation = activation(activationId);
        assertThat(activation.path("status").asText()).isEqualTo(Status.REVOKED.wire());
        assertThat(activation.path("reason").asText()).isEqualTo(reason.wire());
        assertThat(orchestrator.activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);
    }

    /** The ticket as pimflow knows it ({@code GET /api/tickets}) reaches the state, with the assignee among its own. */
    private void awaitTicket(String system, String number, String state, String assignee) {
        Awaitility.await().atMost(wait).untilAsserted(() -> {
            JsonNode ticket = ticketView(system, number).path("ticket");
            assertThat(ticket.path("state").asText()).isEqualTo(state);
            assertThat(ticket.path("assignees").toString()).contains(assignee);
        });
    }

    private JsonNode ticketView(String system, String number) {
        HttpResponse<String> r =
                orchestrator.get("/api/tickets?system=" + URLEncoder.encode(system, StandardCharsets.UTF_8) + "&number="
                        + URLEncoder.encode(number, StandardCharsets.UTF_8));
        return r.statusCode() == 404 ? JSON.createObjectNode() : ok(r);
    }

    /** {@code GET /api/activations/{id}}: the activation (without its audit records). */
    private JsonNode activation(String activationId) {
        return ok(orchestrator.get("/api/activations/" + activationId)).path("activation");
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as("GET %s: %s", r.uri(), r.body()).isEqualTo(200);
        return read(r.body());
    }

    // --- PagerDuty: V3 webhooks, X-PagerDuty-Signature: v1=<hex HMAC-SHA256>

    /** PagerDuty's sample for {@code eventType}, on this incident, by {@code agent}, assigned to {@code assignee}. */
    private void pagerDuty(String incident, String eventType, String agent, String assignee) {
        ObjectNode root = fixture("pagerduty/" + eventType + ".json");
        ObjectNode event = (ObjectNode) root.get("event");
        event.put("id", UUID.randomUUID().toString());
        event.put("occurred_at", Instant.now().toString());
        ((ObjectNode) event.get("agent")).put("id", agent);
        ObjectNode data = (ObjectNode) event.get("data");
        data.put("id", "P" + incident);
        data.put("number", Integer.parseInt(incident));
        data.put("created_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ((ObjectNode) data.get("service")).put("id", PD_SERVICE);
        ((ObjectNode) data.get("assignees").get(0)).put("id", assignee);
        deliver("pagerduty", root, "X-PagerDuty-Signature", body -> "v1=" + hex(hmac(PAGERDUTY_SECRET, body)));
    }

    // --- Jira: admin webhooks with a secret, X-Hub-Signature: sha256=<hex HMAC-SHA256>

    private ObjectNode jira(String sample, String issueId, String key, ObjectNode assignee, String statusCategory) {
        ObjectNode root = fixture("jira/" + sample);
        ObjectNode issue = (ObjectNode) root.get("issue");
        issue.put("id", issueId);
        issue.put("key", key);
        ObjectNode fields = (ObjectNode) issue.get("fields");
        fields.put("created", JIRA_TIME.format(Instant.now()));
        fields.set("assignee", assignee);
        ((ObjectNode) fields.get("status").get("statusCategory")).put("key", statusCategory);
        root.put("timestamp", Instant.now().toEpochMilli());
        return root;
    }

    /** The custom fields that ask for an activation: User Administrator, for Aline, for {@code duration}. */
    private static void setRequest(ObjectNode root, String duration) {
        ObjectNode fields = (ObjectNode) root.get("issue").get("fields");
        fields.put("customfield_10050", USER_ADMINISTRATOR);
        fields.set("customfield_10051", aline());
        fields.put("customfield_10052", duration);
    }

    private void changelog(ObjectNode root, ObjectNode... items) {
        ObjectNode changelog = root.putObject("changelog");
        ArrayNode list = changelog.putArray("items");
        for (ObjectNode item : items) {
            list.add(item);
        }
        changelog.put("id", changes.incrementAndGet());
    }

    private static ObjectNode item(String field, String from, String to) {
        return JSON.createObjectNode()
                .put("field", field)
                .put("fieldId", field)
                .put("fieldtype", field.startsWith("customfield_") ? "custom" : "jira")
                .put("from", from)
                .put("to", to);
    }

    private static ObjectNode aline() {
        return JSON.createObjectNode()
                .put("accountId", JIRA_ALINE)
                .put("displayName", "Aline Dupuy")
                .put("accountType", "atlassian");
    }

    private static ObjectNode bob() {
        return JSON.createObjectNode()
                .put("accountId", JIRA_BOB)
                .put("emailAddress", ContosoTenant.BOB_UPN)
                .put("displayName", "Bob Kelly")
                .put("accountType", "atlassian");
    }

    private void jiraDeliver(ObjectNode root) {
        if (!root.has("changelog") && root.path("webhookEvent").asText().equals("jira:issue_updated")) {
            throw new IllegalArgumentException("an update without a changelog changes nothing");
        }
        deliver("jira", root, "X-Hub-Signature", body -> "sha256=" + hex(hmac(JIRA_SECRET, body)));
    }

    // --- ServiceNow: the README's business rule, X-Pimflow-Signature: sha256=<base64 HMAC-SHA256>

    private ObjectNode serviceNow(String sample, String sysId, String number, String assignedTo, String duration) {
        ObjectNode root = fixture("servicenow/" + sample);
        Instant now = Instant.now();
        root.put("eventId", sysId + ":" + changes.incrementAndGet());
        root.put("sentAt", now.truncatedTo(ChronoUnit.SECONDS).toString());
        root.put("updatedAt", GLIDE_TIME.format(now));
        ObjectNode record = (ObjectNode) root.get("record");
        record.put("sys_id", sysId);
        record.put("number", number);
        record.put("assigned_to", assignedTo);
        record.put("u_pim_role", USER_ADMINISTRATOR);
        record.put("u_pim_principal", ContosoTenant.ALINE_UPN);
        record.put("u_pim_duration", duration);
        return root;
    }

    private static void changed(ObjectNode root, String... fields) {
        ArrayNode list = root.putArray("changed");
        for (String f : fields) {
            list.add(f);
        }
    }

    private void serviceNowDeliver(ObjectNode root) {
        deliver(
                "servicenow",
                root,
                "X-Pimflow-Signature",
                body -> "sha256=" + Base64.getEncoder().encodeToString(hmac(SERVICENOW_SECRET, body)));
    }

    // --- over HTTP

    /**
     * Posts the body, signed as the vendor signs, to the running orchestrator; 200 means Kafka acknowledged every event
     * it yields.
     */
    private void deliver(String system, JsonNode root, String signatureHeader, Function<byte[], String> signature) {
        byte[] body = bytes(root);
        HttpRequest request = HttpRequest.newBuilder(URI.create(orchestrator.baseUrl() + "/webhooks/" + system))
                .header("Content-Type", "application/json")
                .header(signatureHeader, signature.apply(body))
                .timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("POST /webhooks/" + system + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertThat(response.statusCode()).as(system + ": " + response.body()).isEqualTo(200);
        assertThat(read(response.body()).path("published")).isNotEmpty();
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static ObjectNode fixture(String path) {
        try (InputStream in = VendorWebhooks.class.getResourceAsStream("/webhooks/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("fixture " + path, e);
        }
    }

    private static byte[] bytes(JsonNode root) {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }
}
