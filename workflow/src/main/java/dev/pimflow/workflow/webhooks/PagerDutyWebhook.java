package dev.pimflow.workflow.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.TicketAssigned;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.contracts.TicketOpened;
import dev.pimflow.contracts.TicketReopened;
import dev.pimflow.workflow.config.WebhookSettings;
import dev.pimflow.workflow.directory.People;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * PagerDuty V3 webhooks (developer.pagerduty.com, "Verifying Signatures"): {@code X-PagerDuty-Signature} holds one or
 * more comma-separated {@code v1=<hex HMAC-SHA256 of the raw body>}, one per signing secret during a rotation; at least
 * one must match. {@code event.occurred_at} is checked against the replay window, {@code event.id} is the events' id.
 * <ul>
 *   <li>{@code incident.triggered} → {@code ticket.opened} with the incident's assignees;</li>
 *   <li>{@code incident.acknowledged} → {@code ticket.assigned}, then a {@code ticket.activation-requested} for the
 *       acknowledging user per rule of the incident's service (id {@code <event id>:activation:<role id>});</li>
 *   <li>{@code incident.reassigned} → {@code ticket.assigned}; {@code incident.resolved} → {@code ticket.closed};
 *       {@code incident.reopened} → {@code ticket.reopened};</li>
 *   <li>any other event type (a ping, a note, a priority change) is answered 202 and publishes nothing.</li>
 * </ul>
 * The ticket number is the incident's {@code number}. Users are named by PagerDuty id only: each is resolved through
 * {@code pim.webhooks.pagerduty.people}.
 */
public class PagerDutyWebhook extends SignedVendorWebhook {
    static final String SIGNATURE_HEADER = "X-PagerDuty-Signature";

    private final WebhookSettings.PagerDuty settings;

    public PagerDutyWebhook(WebhookSettings.PagerDuty settings, Duration clockSkew, People people, Clock clock) {
        super(
                "pagerduty",
                settings.ticketSystem(),
                settings.secrets(),
                settings.replayWindow(),
                clockSkew,
                people,
                settings.people(),
                clock);
        this.settings = settings;
    }

    @Override
    public Translation receive(Function<String, String> header, byte[] body) {
        verify(header.apply(SIGNATURE_HEADER), body);
        JsonNode root = Payloads.parse(body);
        String occurredAt = Payloads.required(root, "/event/occurred_at", null);
        replay.check(instant(occurredAt, "event.occurred_at", null), "event.occurred_at");
        String eventType = Payloads.required(root, "/event/event_type", null);
        String eventId = Payloads.required(root, "/event/id", null);
        if (!"incident".equals(Payloads.text(root, "/event/data/type"))) {
            return Translation.ignored(null, "event type " + printable(eventType) + " is not about an incident");
        }
        String ticket = Payloads.ticketNumber(Payloads.text(root, "/event/data/number"), "event.data.number");
        Instant at = instant(occurredAt, "event.occurred_at", ticket);
        String system = settings.ticketSystem();
        List<TicketEvent> events = new ArrayList<>();
        switch (eventType) {
            case "incident.triggered" ->
                events.add(new TicketEvent(
                        eventId,
                        EventTypes.TICKET_OPENED,
                        new TicketOpened(
                                system,
                                ticket,
                                Payloads.freeText(Payloads.text(root, "/event/data/title"), 500),
                                Payloads.priority(Payloads.text(root, "/event/data/priority/summary")),
                                assignees(root, ticket),
                                instant(
                                        Payloads.required(root, "/event/data/created_at", ticket),
                                        "event.data.created_at",
                                        ticket))));
            case "incident.acknowledged" -> {
                events.add(new TicketEvent(
                        eventId,
                        EventTypes.TICKET_ASSIGNED,
                        new TicketAssigned(system, ticket, assignees(root, ticket), at)));
                events.addAll(activationRequests(root, eventId, ticket));
            }
            case "incident.reassigned" ->
                events.add(new TicketEvent(
                        eventId,
                        EventTypes.TICKET_ASSIGNED,
                        new TicketAssigned(system, ticket, assignees(root, ticket), at)));
            case "incident.resolved" ->
                events.add(new TicketEvent(
                        eventId,
                        EventTypes.TICKET_CLOSED,
                        new TicketClosed(system, ticket, at, "resolved in PagerDuty")));
            case "incident.reopened" ->
                events.add(
                        new TicketEvent(eventId, EventTypes.TICKET_REOPENED, new TicketReopened(system, ticket, at)));
            default -> {
                return Translation.ignored(
                        ticket, "event type " + printable(eventType) + " changes nothing pimflow follows");
            }
        }
        return Translation.of(ticket, events);
    }

    /** Step 1-3 of PagerDuty's algorithm: split on ",", keep the {@code v1=} values, one must equal the HMAC. */
    void verify(String signatureHeader, byte[] body) {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw WebhookRefusal.unauthenticated(SIGNATURE_HEADER + ": missing");
        }
        List<byte[]> given = new ArrayList<>();
        for (String part : signatureHeader.split(",")) {
            String s = part.strip();
            if (s.startsWith("v1=")) {
                given.add(hex(s.substring(3)));
            }
        }
        if (given.isEmpty()) {
            throw WebhookRefusal.unauthenticated(SIGNATURE_HEADER + ": no v1= signature");
        }
        if (!Signatures.anyMatches(secrets, body, given)) {
            throw WebhookRefusal.unauthenticated(
                    SIGNATURE_HEADER + ": no v1= signature matches the body under a configured secret");
        }
    }

    private List<String> assignees(JsonNode root, String ticket) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        JsonNode list = root.at("/event/data/assignees");
        for (int i = 0; i < list.size(); i++) {
            String field = "event.data.assignees[" + i + "]";
            String pdUser = Payloads.text(list.get(i), "/id");
            if (pdUser == null) {
                throw WebhookRefusal.badPayload(field + ".id", "missing", ticket);
            }
            ids.add(people.objectId(field, pdUser, null, ticket));
        }
        return List.copyOf(ids);
    }

    /** A request per rule of the incident's service, for the user who acknowledged (the event's agent). */
    private List<TicketEvent> activationRequests(JsonNode root, String eventId, String ticket) {
        String service = Payloads.text(root, "/event/data/service/id");
        List<WebhookSettings.PagerDutyRule> rules = settings.rules().stream()
                .filter(r -> r.service().equals(service))
                .toList();
        if (rules.isEmpty()) {
            return List.of();
        }
        if (!"user_reference".equals(Payloads.text(root, "/event/agent/type"))
                || Payloads.text(root, "/event/agent/id") == null) {
            // an integration acknowledged (Events API): nobody to give the role to; the assignment still counts
            return List.of();
        }
        String principal = people.objectId("event.agent", Payloads.text(root, "/event/agent/id"), null, ticket);
        List<TicketEvent> requests = new ArrayList<>();
        for (WebhookSettings.PagerDutyRule rule : rules) {
            String justification = Payloads.freeText(
                    rule.justification()
                            .replace("{number}", ticket)
                            .replace("{id}", nonNull(Payloads.text(root, "/event/data/id")))
                            .replace("{service}", nonNull(Payloads.text(root, "/event/data/service/summary")))
                            .replace("{title}", nonNull(Payloads.text(root, "/event/data/title"))),
                    500);
            requests.add(new TicketEvent(
                    eventId + ":activation:" + rule.role().toLowerCase(Locale.ROOT),
                    EventTypes.TICKET_ACTIVATION_REQUESTED,
                    new ActivationRequested(
                            settings.ticketSystem(),
                            ticket,
                            principal,
                            rule.role(),
                            rule.scope(),
                            justification,
                            rule.duration())));
        }
        return requests;
    }

    private static Instant instant(String s, String field, String ticket) {
        try {
            return java.time.OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw WebhookRefusal.badPayload(field, "not an ISO-8601 date-time", ticket);
        }
    }

    private static byte[] hex(String s) {
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static String printable(String s) {
        String p = s.replaceAll("[^A-Za-z0-9._:-]", "?");
        return p.length() > 60 ? p.substring(0, 60) : p;
    }
}
