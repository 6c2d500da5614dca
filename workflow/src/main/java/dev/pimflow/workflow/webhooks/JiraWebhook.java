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
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Jira Cloud / Jira Service Management admin webhooks with a secret (developer.atlassian.com, "Webhooks", secure admin
 * webhooks): {@code X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>} (WebSub's {@code method=signature}).
 * The payload's {@code timestamp} (epoch milliseconds) is checked against the replay window.
 * <ul>
 *   <li>{@code jira:issue_created} → {@code ticket.opened} (summary, priority, assignee);</li>
 *   <li>{@code jira:issue_updated} whose changelog changes the status → {@code ticket.closed} when the status category
 *       is one of {@code closed-categories}; {@code ticket.reopened} when it is not and the change clears the resolution
 *       (what Jira's reopen transitions do); whose changelog changes the assignee → {@code ticket.assigned};</li>
 *   <li>either, when the configured role, principal and duration fields are all set (on creation) or one of them
 *       changed → {@code ticket.activation-requested} (id {@code <base>:activation:<role id>}).</li>
 * </ul>
 * The events' ids derive from signed content, {@code <issue id>:<webhookEvent>:<timestamp>[:<changelog id>]} and a
 * suffix per event: Jira's {@code X-Atlassian-Webhook-Identifier}, the same across retries too, is outside the
 * signature, so anyone replaying a captured body within the window could pick a fresh one; the body's own ids cannot
 * be changed without breaking the signature, and are equally the same on every retry.
 */
public class JiraWebhook extends SignedVendorWebhook {
    static final String SIGNATURE_HEADER = "X-Hub-Signature";
    /** How Jira writes times in issue fields: {@code 2009-12-16T23:46:10.612-0600}. */
    private static final DateTimeFormatter JIRA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    private final WebhookSettings.Jira settings;

    public JiraWebhook(WebhookSettings.Jira settings, Duration clockSkew, People people, Clock clock) {
        super(
                "jira",
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
        JsonNode timestampNode = root.get("timestamp");
        if (timestampNode == null || !timestampNode.canConvertToLong()) {
            throw WebhookRefusal.badPayload("timestamp", "missing or not epoch milliseconds", null);
        }
        Instant at = Instant.ofEpochMilli(timestampNode.asLong());
        replay.check(at, "timestamp");
        String webhookEvent = Payloads.required(root, "/webhookEvent", null);
        if (!webhookEvent.equals("jira:issue_created") && !webhookEvent.equals("jira:issue_updated")) {
            return Translation.ignored(null, "webhookEvent is not jira:issue_created or jira:issue_updated");
        }
        String ticket = Payloads.ticketNumber(Payloads.text(root, "/issue/key"), "issue.key");
        String base = Payloads.required(root, "/issue/id", ticket) + ":" + webhookEvent.substring("jira:".length())
                + ":"
                + timestampNode.asLong()
                + (Payloads.text(root, "/changelog/id") == null ? "" : ":" + Payloads.text(root, "/changelog/id"));
        String system = settings.ticketSystem();
        List<TicketEvent> events = new ArrayList<>();
        if (webhookEvent.equals("jira:issue_created")) {
            events.add(new TicketEvent(
                    base + ":opened",
                    EventTypes.TICKET_OPENED,
                    new TicketOpened(
                            system,
                            ticket,
                            Payloads.freeText(Payloads.text(root, "/issue/fields/summary"), 500),
                            priority(root),
                            assignees(root, ticket),
                            created(root, at))));
            if (activationFieldsSet(root)) {
                events.add(activationRequest(root, base, ticket));
            }
            return Translation.of(ticket, events);
        }
        Set<String> changed = changedFields(root);
        if (changed.contains("status")) {
            String category = Payloads.required(root, "/issue/fields/status/statusCategory/key", ticket);
            if (settings.closedCategories().contains(category)) {
                events.add(new TicketEvent(
                        base + ":closed",
                        EventTypes.TICKET_CLOSED,
                        new TicketClosed(
                                system,
                                ticket,
                                at,
                                Payloads.freeText(Payloads.text(root, "/issue/fields/resolution/name"), 500))));
            } else if (resolutionCleared(root)) {
                events.add(new TicketEvent(
                        base + ":reopened", EventTypes.TICKET_REOPENED, new TicketReopened(system, ticket, at)));
            }
        }
        if (changed.contains("assignee")) {
            events.add(new TicketEvent(
                    base + ":assigned",
                    EventTypes.TICKET_ASSIGNED,
                    new TicketAssigned(system, ticket, assignees(root, ticket), at)));
        }
        if (settings.requestsActivations()
                && (changed.contains(settings.roleField().toLowerCase(Locale.ROOT))
                        || changed.contains(settings.principalField().toLowerCase(Locale.ROOT))
                        || changed.contains(settings.durationField().toLowerCase(Locale.ROOT)))
                && activationFieldsSet(root)) {
            events.add(activationRequest(root, base, ticket));
        }
        // a closing comes last: what the same change asked for is seen before the ticket ends
        events.sort((a, b) -> Boolean.compare(
                a.type().equals(EventTypes.TICKET_CLOSED), b.type().equals(EventTypes.TICKET_CLOSED)));
        if (events.isEmpty()) {
            return Translation.ignored(ticket, "the change touches no status, assignee or activation field");
        }
        return Translation.of(ticket, events);
    }

    void verify(String signatureHeader, byte[] body) {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw WebhookRefusal.unauthenticated(SIGNATURE_HEADER + ": missing (is a secret set on the Jira webhook?)");
        }
        String s = signatureHeader.strip();
        int eq = s.indexOf('=');
        if (eq < 0 || !s.substring(0, eq).equalsIgnoreCase("sha256")) {
            throw WebhookRefusal.unauthenticated(SIGNATURE_HEADER + ": not sha256=<hex>");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(s.substring(eq + 1));
        } catch (IllegalArgumentException e) {
            given = null;
        }
        if (!Signatures.anyMatches(secrets, body, java.util.Collections.singletonList(given))) {
            throw WebhookRefusal.unauthenticated(
                    SIGNATURE_HEADER + ": does not match the body under a configured secret");
        }
    }

    /** Changed fields by id ({@code fieldId}, Jira Cloud) and by name ({@code field}), lower case. */
    private static Set<String> changedFields(JsonNode root) {
        Set<String> out = new HashSet<>();
        for (JsonNode item : root.at("/changelog/items")) {
            for (String key : new String[] {"fieldId", "field"}) {
                String v = Payloads.text(item, "/" + key);
                if (v != null) {
                    out.add(v.toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    private static boolean resolutionCleared(JsonNode root) {
        for (JsonNode item : root.at("/changelog/items")) {
            if ("resolution".equalsIgnoreCase(Payloads.text(item, "/field"))
                    && (Payloads.text(item, "/from") != null || Payloads.text(item, "/fromString") != null)
                    && Payloads.text(item, "/to") == null
                    && Payloads.text(item, "/toString") == null) {
                return true;
            }
        }
        return false;
    }

    private List<String> assignees(JsonNode root, String ticket) {
        JsonNode assignee = root.at("/issue/fields/assignee");
        if (assignee.isMissingNode() || assignee.isNull()) {
            return List.of();
        }
        return List.of(people.objectId(
                "issue.fields.assignee",
                Payloads.text(assignee, "/accountId"),
                Payloads.text(assignee, "/emailAddress"),
                ticket));
    }

    private static String priority(JsonNode root) {
        JsonNode p = root.at("/issue/fields/priority");
        return Payloads.priority(
                p.isObject() ? Payloads.text(p, "/name") : Payloads.text(root, "/issue/fields/priority"));
    }

    private static Instant created(JsonNode root, Instant fallback) {
        String s = Payloads.text(root, "/issue/fields/created");
        if (s == null) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(s, JIRA_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException again) {
                return fallback;
            }
        }
    }

    private boolean activationFieldsSet(JsonNode root) {
        return settings.requestsActivations()
                && present(root, settings.roleField())
                && present(root, settings.principalField())
                && present(root, settings.durationField());
    }

    private static boolean present(JsonNode root, String fieldId) {
        JsonNode v = root.at("/issue/fields/" + fieldId);
        return !v.isMissingNode()
                && !v.isNull()
                && !(v.isTextual() && v.asText().isBlank());
    }

    private TicketEvent activationRequest(JsonNode root, String base, String ticket) {
        JsonNode fields = root.at("/issue/fields");
        String roleField = "issue.fields." + settings.roleField();
        String role = Payloads.roleId(optionValue(fields.get(settings.roleField())), roleField, ticket);
        JsonNode principalNode = fields.get(settings.principalField());
        String principalField = "issue.fields." + settings.principalField();
        String principal = principalNode.isObject()
                ? people.objectId(
                        principalField,
                        Payloads.text(principalNode, "/accountId"),
                        Payloads.text(principalNode, "/emailAddress"),
                        ticket)
                : people.objectId(principalField, null, principalNode.asText(), ticket);
        Duration duration = Payloads.duration(
                optionValue(fields.get(settings.durationField())), "issue.fields." + settings.durationField(), ticket);
        String justification = Payloads.freeText(
                settings.justification()
                        .replace("{key}", ticket)
                        .replace("{summary}", nonNull(Payloads.text(root, "/issue/fields/summary"))),
                500);
        return new TicketEvent(
                base + ":activation:" + role.toLowerCase(Locale.ROOT),
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                new ActivationRequested(
                        settings.ticketSystem(), ticket, principal, role, settings.scope(), justification, duration));
    }

    /** A text field's text, or a select list's chosen {@code value}. */
    private static String optionValue(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isObject() ? Payloads.text(node, "/value") : node.asText();
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
