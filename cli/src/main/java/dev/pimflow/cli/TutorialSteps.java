package dev.pimflow.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The steps of {@code pimctl tutorial} as it prints them: each request (method, URL, body; the token as ***) and each
 * response (status, body) against the status Graph's reference gives, the notes, and the summary of them all.
 */
final class TutorialSteps {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter PRETTY = MAPPER.writer(new Printer());
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"),
            Map.entry(201, "Created"),
            Map.entry(204, "No Content"),
            Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"),
            Map.entry(409, "Conflict"),
            Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"),
            Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"));

    /** One step's outcome; {@code actual} is null when the step could not run. */
    record Result(String step, int expected, Integer actual) {
        boolean ok() {
            return actual != null && actual == expected;
        }
    }

    private final Http http;
    private final PrintWriter out;
    private final List<Result> results = new ArrayList<>();

    TutorialSteps(Http http, PrintWriter out) {
        this.http = http;
        this.out = out;
    }

    /** Sends one step's request and prints it, its answer and the notes; the answer. */
    Http.Answer step(
            String number,
            String title,
            String method,
            String url,
            String bearer,
            JsonNode body,
            int expected,
            List<String> notes) {
        String json = printRequest(number, title, method, url, body);
        Http.Answer a;
        try {
            a = http.send(method, url, bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer), json);
        } catch (CliException e) {
            out.flush();
            throw new CliException("tutorial step " + number + ": " + e.getMessage());
        }
        printAnswer(a, expected);
        for (String n : notes) {
            note(n);
        }
        out.flush();
        results.add(new Result(number, expected, a.status()));
        return a;
    }

    /** Prints the step's heading and request; the body as sent, or null. */
    private String printRequest(String number, String title, String method, String url, JsonNode body) {
        out.println();
        out.println("== Step " + number + ": " + title);
        out.println(method + " " + url);
        out.println("Authorization: Bearer ***");
        String json = null;
        if (body != null) {
            json = body.toString();
            out.println("Content-Type: application/json");
            out.println();
            out.println(pretty(body));
        }
        out.println();
        return json;
    }

    private void printAnswer(Http.Answer a, int expected) {
        String verdict = a.status() == expected ? "ok" : "UNEXPECTED";
        out.println("HTTP " + a.status() + " " + REASONS.getOrDefault(a.status(), "") + "   (expected " + expected
                + ": " + verdict + ")");
        if (a.body() != null) {
            out.println(pretty(a.body()));
        } else if (a.raw() != null && !a.raw().isBlank()) {
            out.println(a.raw());
        }
    }

    /** A step that needs the group id step 1 did not return. */
    void skip(String number, String title, int expected) {
        out.println();
        out.println("== Step " + number + ": " + title);
        out.println("skipped: it needs the group id that step 1 did not return");
        out.flush();
        results.add(new Result(number, expected, null));
    }

    void note(String text) {
        out.println("Note: " + text);
    }

    /** Prints the summary line; null when every step got the status the spec gives, else what went otherwise. */
    String summary() {
        List<Result> failed = results.stream().filter(r -> !r.ok()).toList();
        StringBuilder statuses = new StringBuilder();
        for (Result r : results) {
            statuses.append(statuses.length() == 0 ? "" : ", ")
                    .append(r.step())
                    .append(": ")
                    .append(r.actual() == null ? "skipped" : r.actual());
        }
        out.println();
        if (failed.isEmpty()) {
            out.println("Summary: all " + results.size() + " steps got the status the spec gives (" + statuses + ").");
            out.flush();
            return null;
        }
        List<String> what = failed.stream()
                .map(r -> "step " + r.step() + " " + (r.actual() == null ? "skipped" : "got " + r.actual())
                        + ", expected " + r.expected())
                .toList();
        String line = failed.size() + " of " + results.size() + " steps did not get the status the spec gives: "
                + String.join("; ", what);
        out.println("Summary: " + line + ".");
        out.flush();
        return line;
    }

    /** Two-space indents, {@code "name": value}, and {@code []}/{@code {}} for empty containers, as Graph's docs print JSON. */
    static final class Printer extends DefaultPrettyPrinter {
        Printer() {
            super(new DefaultPrettyPrinter()
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                    .withSeparators(
                            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));
        }

        Printer(DefaultPrettyPrinter base) {
            super(base);
        }

        @Override
        public Printer createInstance() {
            return new Printer(this);
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            if (nrOfValues == 0) {
                _nesting--;
                g.writeRaw(']');
            } else {
                super.writeEndArray(g, nrOfValues);
            }
        }

        @Override
        public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
            if (nrOfEntries == 0) {
                _nesting--;
                g.writeRaw('}');
            } else {
                super.writeEndObject(g, nrOfEntries);
            }
        }
    }

    private static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }
}
