package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** JSON and wire-format helpers shared by the simulator's classes. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String CONTEXT_BASE = "https://graph.microsoft.com/v1.0/$metadata#";

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private Json() {}

    static ObjectNode obj() {
        return JsonNodeFactory.instance.objectNode();
    }

    static ArrayNode arr() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** Graph style: no fraction when whole seconds, otherwise 7 fractional digits, always {@code Z}. */
    static String time(Instant t) {
        if (t == null) {
            return null;
        }
        String seconds = SECONDS.format(t);
        int nanos = t.getNano();
        if (nanos == 0) {
            return seconds + "Z";
        }
        return seconds + "." + String.format(Locale.ROOT, "%07d", nanos / 100) + "Z";
    }

    /** The {@code innerError.date} format: no zone designator, no fraction. */
    static String innerErrorDate(Instant t) {
        return SECONDS.format(t);
    }

    /** Parses ISO 8601 date-times with or without offset (no offset means UTC). */
    static Instant parseTime(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        }
    }

    /** ISO 8601 durations, including the date forms Graph uses ({@code P180D}, and {@code P1Y}/{@code P1M} approximated). */
    static Duration parseDuration(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String text = s.trim().toUpperCase(Locale.ROOT);
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            int t = text.indexOf('T');
            Period period = Period.parse(t < 0 ? text : text.substring(0, t));
            Duration rest = t < 0 ? Duration.ZERO : Duration.parse("P" + text.substring(t));
            long days = period.getYears() * 365L + period.getMonths() * 30L + period.getDays();
            return Duration.ofDays(days).plus(rest);
        }
    }

    /** A field looked up exactly, then case-insensitively (Graph accepts property names in any case). */
    static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    static String text(JsonNode node, String name) {
        JsonNode v = field(node, name);
        return v == null || v.isNull() ? null : v.asText();
    }

    static boolean bool(JsonNode node, String name, boolean fallback) {
        JsonNode v = field(node, name);
        return v == null || v.isNull() ? fallback : v.asBoolean(fallback);
    }

    static boolean containsIgnoreCase(JsonNode array, String value) {
        if (array == null || !array.isArray()) {
            return false;
        }
        for (JsonNode n : array) {
            if (n.asText().equalsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }
}
