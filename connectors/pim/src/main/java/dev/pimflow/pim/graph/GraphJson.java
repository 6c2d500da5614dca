package dev.pimflow.pim.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** Reading Graph's JSON as Graph writes it: property names matched without case, its time and duration forms. */
final class GraphJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private GraphJson() {}

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

    static boolean bool(JsonNode node, String name) {
        JsonNode v = field(node, name);
        return v != null && v.asBoolean(false);
    }

    static boolean contains(JsonNode array, String value) {
        if (array != null && array.isArray()) {
            for (JsonNode n : array) {
                if (value.equalsIgnoreCase(n.asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Graph times come with 0 to 7 fractional digits, usually with {@code Z}. */
    static Instant time(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw new PimException(
                        Kind.INCIDENT,
                        "UnparsableResponse",
                        "UnparsableResponse: bad date-time '" + s + "'",
                        0,
                        null,
                        again);
            }
        }
    }

    /** ISO 8601 durations, including day/week/month/year forms ({@code P180D}, {@code P1Y} as 365 days). */
    static Duration duration(String s) {
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
}
