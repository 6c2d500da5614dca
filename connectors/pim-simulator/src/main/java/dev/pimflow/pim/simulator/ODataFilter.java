package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code $filter} subset PIM clients use: {@code prop eq|ne literal} clauses joined by {@code and}.
 * Literals are {@code 'quoted'} (with {@code ''} as an escaped quote), {@code null}, {@code true}, {@code false}
 * or numbers. String comparison is case-insensitive, like Graph's for ids and enum values.
 */
final class ODataFilter {

    private record Clause(String property, boolean equal, String literal, boolean isNull) {}

    private final List<Clause> clauses;

    private ODataFilter(List<Clause> clauses) {
        this.clauses = clauses;
    }

    static final ODataFilter ALL = new ODataFilter(List.of());

    static ODataFilter parse(String text) {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        List<String> tokens = tokenize(text);
        List<Clause> clauses = new ArrayList<>();
        int i = 0;
        while (true) {
            if (i + 3 > tokens.size()) {
                throw invalid(text);
            }
            String property = tokens.get(i);
            String op = tokens.get(i + 1).toLowerCase(Locale.ROOT);
            String literal = tokens.get(i + 2);
            if (!property.matches("[A-Za-z][A-Za-z0-9_]*") || !(op.equals("eq") || op.equals("ne"))) {
                throw invalid(text);
            }
            clauses.add(clause(property, op.equals("eq"), literal, text));
            i += 3;
            if (i == tokens.size()) {
                break;
            }
            if (!tokens.get(i).equalsIgnoreCase("and")) {
                throw invalid(text);
            }
            i++;
        }
        return new ODataFilter(clauses);
    }

    private static Clause clause(String property, boolean equal, String literal, String text) {
        if (literal.startsWith("'")) {
            return new Clause(
                    property, equal, literal.substring(1, literal.length() - 1).replace("''", "'"), false);
        }
        String lower = literal.toLowerCase(Locale.ROOT);
        if (lower.equals("null")) {
            return new Clause(property, equal, null, true);
        }
        if (lower.equals("true") || lower.equals("false") || literal.matches("-?[0-9]+(\\.[0-9]+)?")) {
            return new Clause(property, equal, lower, false);
        }
        throw invalid(text);
    }

    private static List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                int j = i + 1;
                while (true) {
                    if (j >= n) {
                        throw invalid(text);
                    }
                    if (text.charAt(j) == '\'') {
                        if (j + 1 < n && text.charAt(j + 1) == '\'') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                tokens.add(text.substring(i, j + 1));
                i = j + 1;
            } else {
                int j = i;
                while (j < n && !Character.isWhitespace(text.charAt(j)) && text.charAt(j) != '\'') {
                    j++;
                }
                tokens.add(text.substring(i, j));
                i = j;
            }
        }
        return tokens;
    }

    private static GraphError invalid(String text) {
        return GraphError.badRequest(
                "BadRequest",
                "Invalid filter clause: the simulator supports 'property eq|ne literal' joined by 'and'. Got: " + text);
    }

    boolean matches(JsonNode item) {
        for (Clause c : clauses) {
            JsonNode v = Json.field(item, c.property());
            boolean isNull = v == null || v.isNull();
            boolean same;
            if (c.isNull()) {
                same = isNull;
            } else {
                same = !isNull && v.asText().equalsIgnoreCase(c.literal());
            }
            if (same != c.equal()) {
                return false;
            }
        }
        return true;
    }

    /** The values of the {@code eq} clauses by lower-case property name. */
    Map<String, String> equalities() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Clause c : clauses) {
            if (c.equal() && !c.isNull()) {
                m.put(c.property().toLowerCase(Locale.ROOT), c.literal());
            }
        }
        return m;
    }
}
