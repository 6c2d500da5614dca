package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.seed.DevelopmentPagerDuty;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One PagerDuty incident of {@code pimctl demo --via pagerduty}, told to the orchestrator as PagerDuty's V3 webhooks
 * would tell it ({@code POST <orchestrator>/webhooks/pagerduty}, README "PagerDuty"): an incident of the development
 * configuration's service, assigned to Aline's PagerDuty user, each delivery signed {@code X-PagerDuty-Signature:
 * v1=<hex HMAC-SHA256 of the body>} with the development secret. Each delivery has a new {@code event.id} and
 * {@code occurred_at} now. No login is sent: the signature is the webhook's credential.
 */
final class PagerDutyIncident {
    static final String PATH = "/webhooks/pagerduty";
    static final String SIGNATURE_HEADER = "X-PagerDuty-Signature";
    static final String ALINE_NAME = "Aline Dupuy";

    /** What the orchestrator answered to one delivery: its event id, the status, and the answer's body. */
    record Delivery(String eventType, String eventId, Http.Answer answer) {
        /** The ids of the events the orchestrator published ({@code "published"} of a 200). */
        List<String> published() {
            List<String> ids = new ArrayList<>();
            if (answer.body() != null) {
                answer.body().path("published").forEach(id -> ids.add(id.asText()));
            }
            return ids;
        }
    }

    private final URI orchestrator;
    private final Http http;
    private final String secret;
    private final int number;
    private final String incidentId;
    private final Clock clock;
    private final Instant createdAt;

    PagerDutyIncident(URI orchestrator, Http http, String secret, int number, Clock clock) {
        this.orchestrator = orchestrator;
        this.http = http;
        this.secret = secret;
        this.number = number;
        this.clock = clock;
        this.incidentId = "Q" + Integer.toString(number, 36).toUpperCase(java.util.Locale.ROOT) + "DEMO";
        this.createdAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    String url() {
        return orchestrator + PATH;
    }

    /** PagerDuty's test delivery: a verified ping changes nothing (answered 202), so it checks signature and endpoint. */
    Delivery ping() {
        String id = UUID.randomUUID().toString();
        ObjectNode root = Events.mapper().createObjectNode();
        ObjectNode event = root.putObject("event");
        event.put("id", id);
        event.put("event_type", "pagey.ping");
        event.put("resource_type", "pagey");
        event.put("occurred_at", clock.instant().toString());
        event.putNull("agent");
        event.putNull("client");
        event.putObject("data").put("message", "Hello from your friend Pagey!").put("type", "ping");
        return deliver("pagey.ping", id, root);
    }

    Delivery triggered() {
        return incident("incident.triggered", "triggered", false);
    }

    Delivery acknowledged() {
        return incident("incident.acknowledged", "acknowledged", true);
    }

    Delivery resolved() {
        return incident("incident.resolved", "resolved", true);
    }

    private Delivery incident(String eventType, String status, boolean byAline) {
        String id = UUID.randomUUID().toString();
        ObjectNode root = Events.mapper().createObjectNode();
        ObjectNode event = root.putObject("event");
        event.put("id", id);
        event.put("event_type", eventType);
        event.put("resource_type", "incident");
        event.put("occurred_at", clock.instant().toString());
        if (byAline) {
            user(event.putObject("agent"));
        } else {
            // triggered by the service's integration (an alert), as PagerDuty reports it
            service(event.putObject("agent"));
        }
        event.putObject("client").put("name", "pimctl demo");
        ObjectNode data = event.putObject("data");
        data.put("id", incidentId);
        data.put("type", "incident");
        data.put("self", "https://api.pagerduty.com/incidents/" + incidentId);
        data.put("number", number);
        data.put("status", status);
        data.put("created_at", createdAt.toString());
        data.put("title", DemoCommand.JUSTIFICATION);
        service(data.putObject("service"));
        user(data.putArray("assignees").addObject());
        data.putObject("priority").put("summary", "P1").put("type", "priority_reference");
        data.put("urgency", "high");
        if ("resolved".equals(status)) {
            data.put("resolve_reason", (String) null);
        }
        return deliver(eventType, id, root);
    }

    private static void user(ObjectNode node) {
        node.put("id", DevelopmentPagerDuty.ALINE_USER_ID)
                .put("summary", ALINE_NAME)
                .put("self", "https://api.pagerduty.com/users/" + DevelopmentPagerDuty.ALINE_USER_ID)
                .put("type", "user_reference");
    }

    private static void service(ObjectNode node) {
        node.put("id", DevelopmentPagerDuty.SERVICE_ID)
                .put("summary", DevelopmentPagerDuty.SERVICE_NAME)
                .put("self", "https://api.pagerduty.com/services/" + DevelopmentPagerDuty.SERVICE_ID)
                .put("type", "service_reference");
    }

    private Delivery deliver(String eventType, String eventId, JsonNode payload) {
        String body = payload.toString();
        Http.Answer answer = http.send(
                "POST",
                url(),
                Map.of(SIGNATURE_HEADER, signature(secret, body.getBytes(StandardCharsets.UTF_8))),
                body);
        return new Delivery(eventType, eventId, answer);
    }

    /** PagerDuty's V3 signature of a body: {@code v1=} and the hex HMAC-SHA256 of the raw bytes under the secret. */
    static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
