package dev.pimflow.workflow.webhooks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.regex.Pattern;

/** Reading a vendor's JSON (a field named twice is refused, as on the topics) and fitting its text to the contracts. */
final class Payloads {
    private static final ObjectReader STRICT =
            new ObjectMapper().reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** The contracts' identifier characters (ticketSystem, ticketNumber, priority). */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9 ._:#/@()+-]+");

    private Payloads() {}

    static JsonNode parse(byte[] body) {
        JsonNode node;
        try {
            node = STRICT.readTree(body);
        } catch (IOException e) {
            // the parser's message may quote the body: only say that it is not JSON
            throw WebhookRefusal.badPayload("body", "not JSON (or a field named twice)", null);
        }
        if (node == null || !node.isObject()) {
            throw WebhookRefusal.badPayload("body", "must be a JSON object", null);
        }
        return node;
    }

    /** The text at {@code pointer} (a JSON pointer), or null when it is missing, null or empty. */
    static String text(JsonNode root, String pointer) {
        JsonNode node = root.at(pointer);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        String s = node.isValueNode() ? node.asText() : null;
        return s == null || s.isEmpty() ? null : s;
    }

    static String required(JsonNode root, String pointer, String ticket) {
        String s = text(root, pointer);
        if (s == null) {
            throw WebhookRefusal.badPayload(field(pointer), "missing", ticket);
        }
        return s;
    }

    /** A ticket number fit for the key and the contracts. */
    static String ticketNumber(String number, String field) {
        if (number == null) {
            throw WebhookRefusal.badPayload(field, "missing", null);
        }
        if (number.length() > 100 || !IDENTIFIER.matcher(number).matches()) {
            throw WebhookRefusal.badPayload(
                    field, "not a ticket number pimflow accepts (letters, digits, . _ : # / @ ( ) + -)", null);
        }
        return number;
    }

    /**
     * Free text (a title, a justification) as the contracts accept it: no control characters, no angle brackets, no
     * expression markers ({@code ${}, {@code #{}), at most {@code max} characters. An incident titled "CPU > 90%" is
     * still an incident.
     */
    static String freeText(String s, int max) {
        if (s == null) {
            return null;
        }
        String cleaned = s.replaceAll("[\\p{Cntrl}<>]", " ")
                .replace("${", "$ {")
                .replace("#{", "# {")
                .strip();
        return cleaned.length() > max ? cleaned.substring(0, max) : cleaned;
    }

    /** A priority as the contracts accept it (identifier characters, at most 40), or null. */
    static String priority(String s) {
        if (s == null) {
            return null;
        }
        String cleaned = s.replaceAll("[^A-Za-z0-9 ._:#/@()+-]", "").strip();
        cleaned = cleaned.length() > 40 ? cleaned.substring(0, 40) : cleaned;
        return cleaned.isEmpty() ? null : cleaned;
    }

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    /** A role definition id (a GUID) from a ticket's field. */
    static String roleId(String value, String field, String ticket) {
        String s = value == null ? null : value.strip();
        if (s == null || !GUID.matcher(s).matches()) {
            throw WebhookRefusal.unmappable(field, "not a role definition id (a GUID)", ticket);
        }
        return s;
    }

    /** A duration from a ticket's field: ISO-8601 ({@code PT2H}) or a number of hours. */
    static java.time.Duration duration(String value, String field, String ticket) {
        String s = value == null ? "" : value.strip();
        try {
            java.time.Duration d = s.matches("\\d{1,4}(\\.\\d+)?")
                    ? java.time.Duration.ofSeconds(Math.round(Double.parseDouble(s) * 3600))
                    : java.time.Duration.parse(s);
            if (d.isNegative() || d.isZero()) {
                throw WebhookRefusal.unmappable(field, "must be a positive duration", ticket);
            }
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw WebhookRefusal.unmappable(
                    field, "not a duration (ISO-8601 such as PT2H, or a number of hours)", ticket);
        }
    }

    /** {@code /event/data/number} → {@code event.data.number}. */
    static String field(String pointer) {
        return pointer.substring(1).replace('/', '.').replaceAll("\\.(\\d+)(?=\\.|$)", "[$1]");
    }
}
