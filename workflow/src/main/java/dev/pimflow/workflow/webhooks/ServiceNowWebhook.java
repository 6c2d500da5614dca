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
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * ServiceNow: the outbound REST message of the business rule in the README ("Ticket systems' webhooks"), sent after an
 * incident is inserted or updated. {@code X-Pimflow-Signature: sha256=<base64 HMAC-SHA256 of the raw body>}, which
 * the rule computes with {@code GlideCertificateEncryption.generateMac} (base64, as that method returns it). The body:
 * <pre>
 * { "eventId": "&lt;sys_id&gt;:&lt;sys_mod_count&gt;", "sentAt": "2024-05-01T10:00:00Z", "operation": "insert|update",
 *   "changed": ["state", ...], "updatedAt": "&lt;sys_updated_on, UTC&gt;",
 *   "record": { "number", "state", "assigned_to", "short_description", "priority", "u_pim_role", ... },
 *   "previous": { "state" } }
 * </pre>
 * {@code sentAt} is inside the signature and checked against the replay window; {@code eventId} (the record and its
 * update count, so the same on a resend) is the events' id, with a suffix per event.
 * <ul>
 *   <li>{@code insert} → {@code ticket.opened};</li>
 *   <li>{@code update} changing the state → {@code ticket.closed} when the state is one of {@code closed-states}
 *       ({@code 6} Resolved, {@code 7} Closed by default), {@code ticket.reopened} when it was and is no longer;
 *       changing the assignee → {@code ticket.assigned};</li>
 *   <li>either, when the role, principal and duration fields are all set (on insert) or one of them changed →
 *       {@code ticket.activation-requested}.</li>
 * </ul>
 */
public class ServiceNowWebhook extends SignedVendorWebhook {
    static final String SIGNATURE_HEADER = "X-Pimflow-Signature";
    /** How {@code GlideDateTime.getValue()} writes a time: UTC, {@code 2024-05-01 10:00:00}. */
    private static final DateTimeFormatter GLIDE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final WebhookSettings.ServiceNow settings;

    public ServiceNowWebhook(WebhookSettings.ServiceNow settings, Duration clockSkew, People people, Clock clock) {
        super(
                "servicenow",
                settings.ticketSystem(),
                settings.secrets(),
                settings.replayWindow(),
                clockSkew,
                people,
                java.util.Map.of(),
                clock);
        this.settings = settings;
    }

    @Override
    public Translation receive(Function<String, String> header, byte[] body) {
        verify(header.apply(SIGNATURE_HEADER), body);
        JsonNode root = Payloads.parse(body);
        replay.check(time(Payloads.required(root, "/sentAt", null), "sentAt", null), "sentAt");
        JsonNode record = root.get("record");
        if (record == null || !record.isObject()) {
            throw WebhookRefusal.badPayload("record", "missing or not an object", null);
        }
        String ticket = Payloads.ticketNumber(
                Payloads.text(record, "/" + settings.numberField()), "record." + settings.numberField());
        String base = Payloads.required(root, "/eventId", ticket);
        Instant at = time(Payloads.required(root, "/updatedAt", ticket), "updatedAt", ticket);
        String operation = Payloads.required(root, "/operation", ticket);
        String system = settings.ticketSystem();
        List<TicketEvent> events = new ArrayList<>();
        if (operation.equals("insert")) {
            events.add(new TicketEvent(
                    base + ":opened",
                    EventTypes.TICKET_OPENED,
                    new TicketOpened(
                            system,
                            ticket,
                            Payloads.freeText(Payloads.text(record, "/short_description"), 500),
                            Payloads.priority(Payloads.text(record, "/priority")),
                            assignees(record, ticket),
                            at)));
            if (activationFieldsSet(record)) {
                events.add(activationRequest(record, base, ticket));
            }
            return Translation.of(ticket, events);
        }
        if (!operation.equals("update")) {
            return Translation.ignored(ticket, "operation is neither insert nor update");
        }
        Set<String> changed = new HashSet<>();
        root.path("changed").forEach(n -> changed.add(n.asText().toLowerCase(Locale.ROOT)));
        if (changed.contains(settings.stateField().toLowerCase(Locale.ROOT))) {
            String state = Payloads.required(record, "/" + settings.stateField(), ticket);
            String before = Payloads.text(root.path("previous"), "/" + settings.stateField());
            if (settings.closedStates().contains(state)) {
                events.add(new TicketEvent(
                        base + ":closed",
                        EventTypes.TICKET_CLOSED,
                        new TicketClosed(
                                system, ticket, at, Payloads.freeText(Payloads.text(record, "/close_code"), 500))));
            } else if (before != null && settings.closedStates().contains(before)) {
                events.add(new TicketEvent(
                        base + ":reopened", EventTypes.TICKET_REOPENED, new TicketReopened(system, ticket, at)));
            }
        }
        if (changed.contains(settings.assigneeField().toLowerCase(Locale.ROOT))) {
            events.add(new TicketEvent(
                    base + ":assigned",
                    EventTypes.TICKET_ASSIGNED,
                    new TicketAssigned(system, ticket, assignees(record, ticket), at)));
        }
        if ((changed.contains(settings.roleField().toLowerCase(Locale.ROOT))
                        || changed.contains(settings.principalField().toLowerCase(Locale.ROOT))
                        || changed.contains(settings.durationField().toLowerCase(Locale.ROOT)))
                && activationFieldsSet(record)) {
            events.add(activationRequest(record, base, ticket));
        }
        // a closing comes last: what the same update asked for is seen before the ticket ends
        events.sort((a, b) -> Boolean.compare(
                a.type().equals(EventTypes.TICKET_CLOSED), b.type().equals(EventTypes.TICKET_CLOSED)));
        if (events.isEmpty()) {
            return Translation.ignored(ticket, "the update touches no state, assignee or activation field");
        }
        return Translation.of(ticket, events);
    }

    void verify(String signatureHeader, byte[] body) {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw WebhookRefusal.unauthenticated(SIGNATURE_HEADER + ": missing");
        }
        String s = signatureHeader.strip();
        if (!s.regionMatches(true, 0, "sha256=", 0, 7)) {
            throw WebhookRefusal.unauthenticated(SIGNATURE_HEADER + ": not sha256=<base64>");
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(s.substring(7));
        } catch (IllegalArgumentException e) {
            given = null;
        }
        if (!Signatures.anyMatches(secrets, body, java.util.Collections.singletonList(given))) {
            throw WebhookRefusal.unauthenticated(
                    SIGNATURE_HEADER + ": does not match the body under a configured secret");
        }
    }

    private List<String> assignees(JsonNode record, String ticket) {
        String assignee = Payloads.text(record, "/" + settings.assigneeField());
        return assignee == null
                ? List.of()
                : List.of(people.objectId("record." + settings.assigneeField(), null, assignee, ticket));
    }

    private boolean activationFieldsSet(JsonNode record) {
        return Payloads.text(record, "/" + settings.roleField()) != null
                && Payloads.text(record, "/" + settings.principalField()) != null
                && Payloads.text(record, "/" + settings.durationField()) != null;
    }

    private TicketEvent activationRequest(JsonNode record, String base, String ticket) {
        String role = Payloads.roleId(
                Payloads.text(record, "/" + settings.roleField()), "record." + settings.roleField(), ticket);
        String principal = people.objectId(
                "record." + settings.principalField(),
                null,
                Payloads.text(record, "/" + settings.principalField()),
                ticket);
        Duration duration = Payloads.duration(
                Payloads.text(record, "/" + settings.durationField()), "record." + settings.durationField(), ticket);
        String justification = Payloads.freeText(
                settings.justification()
                        .replace("{number}", ticket)
                        .replace("{short_description}", nonNull(Payloads.text(record, "/short_description"))),
                500);
        return new TicketEvent(
                base + ":activation:" + role.toLowerCase(Locale.ROOT),
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                new ActivationRequested(
                        settings.ticketSystem(), ticket, principal, role, settings.scope(), justification, duration));
    }

    /** ISO-8601 with an offset, or {@code GlideDateTime.getValue()}'s UTC {@code yyyy-MM-dd HH:mm:ss}. */
    private static Instant time(String s, String field, String ticket) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s, GLIDE_TIME).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw WebhookRefusal.badPayload(
                        field, "not a date-time (ISO-8601, or yyyy-MM-dd HH:mm:ss in UTC)", ticket);
            }
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
