package dev.pimflow.pim.graph;

import static dev.pimflow.pim.graph.GraphJson.MAPPER;
import static dev.pimflow.pim.graph.GraphJson.field;
import static dev.pimflow.pim.graph.GraphJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Graph's error answers, mapped to what the caller does about them: DENY, RETRY or INCIDENT. */
final class GraphErrors {

    private static final Set<String> DENY_CODES = Set.of(
            "roleassignmentrequestpolicyvalidationfailed",
            "roleassignmentrequestacrsvalidationfailed",
            "rolenotfound",
            "subjectnotfound",
            "roleassignmentexists",
            "pendingroleassignmentrequest",
            "invalidroleassignmentrequest");
    private static final Pattern RULE_NAMES =
            Pattern.compile("(MfaRule|JustificationRule|TicketingRule|ExpirationRule|EligibilityRule|ApprovalRule)");

    private GraphErrors() {}

    /** Maps a Graph error response to DENY, RETRY or INCIDENT (see the class comment). */
    static PimException error(int status, String body, HttpHeaders headers) {
        String code = null;
        String message = null;
        try {
            JsonNode error = field(body == null || body.isBlank() ? null : MAPPER.readTree(body), "error");
            code = text(error, "code");
            message = text(error, "message");
        } catch (IOException e) {
            // unparsable error body: classified by status below
        }
        // Permission failures come as code UnknownError with the real reason as a JSON string in the message.
        if ("UnknownError".equalsIgnoreCase(code)
                && message != null
                && message.trim().startsWith("{")) {
            try {
                JsonNode inner = MAPPER.readTree(message);
                if (text(inner, "errorCode") != null) {
                    code = text(inner, "errorCode");
                    message = text(inner, "message");
                }
            } catch (IOException e) {
                // keep UnknownError
            }
        }
        if (code == null || code.isBlank()) {
            code = "HttpStatus" + status;
        }
        Kind kind;
        if (status == 429 || status >= 500) {
            kind = Kind.RETRY;
        } else if (status == 400 && DENY_CODES.contains(code.toLowerCase(Locale.ROOT))) {
            kind = Kind.DENY;
        } else {
            kind = Kind.INCIDENT;
        }
        String text;
        if ("RoleAssignmentRequestPolicyValidationFailed".equalsIgnoreCase(code)) {
            Set<String> rules = new LinkedHashSet<>();
            Matcher m = RULE_NAMES.matcher(message == null ? "" : message);
            while (m.find()) {
                rules.add(m.group(1));
            }
            text = code + ": " + (rules.isEmpty() ? String.valueOf(message) : String.join(", ", rules));
        } else if ("RoleAssignmentRequestAcrsValidationFailed".equalsIgnoreCase(code)) {
            String context = challengedAuthenticationContext(message);
            text = code + ": "
                    + (context == null
                            ? String.valueOf(message)
                            : "the role's policy requires authentication context " + context
                                    + " (acrs), which the token does not carry");
        } else {
            text = message == null || message.isBlank() ? code : code + ": " + message;
        }
        return new PimException(kind, code, text, status, retryAfter(headers), null);
    }

    /**
     * The {@code acrs} value of the claims challenge PIM answers an activation without the required authentication
     * context with ({@code &claims=<URL-encoded {"access_token":{"acrs":{"essential":true,"value":"c1"}}}>}), or null
     * when the message is not one.
     */
    static String challengedAuthenticationContext(String message) {
        int at = message == null ? -1 : message.indexOf("claims=");
        if (at < 0) {
            return null;
        }
        String encoded = message.substring(at + "claims=".length());
        int end = encoded.indexOf('&');
        try {
            String json = URLDecoder.decode(end < 0 ? encoded : encoded.substring(0, end), StandardCharsets.UTF_8);
            JsonNode acrs = field(field(MAPPER.readTree(json), "access_token"), "acrs");
            String value = text(acrs, "value");
            JsonNode values = field(acrs, "values"); // OpenID Connect's other form: any one of several
            if (value == null && values != null && values.isArray()) {
                List<String> any = new ArrayList<>();
                values.forEach(v -> any.add(v.asText()));
                value = String.join(" or ", any);
            }
            return value == null || value.isBlank() ? null : value;
        } catch (IOException | IllegalArgumentException e) {
            return null; // not a claims challenge after all: the caller keeps Graph's message
        }
    }

    /** {@code Retry-After} in (possibly fractional) seconds, or as an HTTP date. */
    static Duration retryAfter(HttpHeaders headers) {
        String value =
                headers == null ? null : headers.firstValue("Retry-After").orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double seconds = Double.parseDouble(value.trim());
            return seconds <= 0 || Double.isNaN(seconds)
                    ? Duration.ZERO
                    : Duration.ofMillis(Math.round(seconds * 1000));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration d = Duration.between(Instant.now(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
    }
}
