package dev.pimflow.pim.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares the <em>shape</em> of two JSON documents: property names at every level and JSON types, not values.
 *
 * <ul>
 *   <li>Objects: the same property names ({@link Keys#EXACT}), or at least the expected ones ({@link Keys#AT_LEAST},
 *       for fixtures the spec quotes abridged). Common properties are compared recursively.
 *   <li>Types: object, array, string, number, boolean must agree; a {@code null} on either side matches any type
 *       (Graph's nullable properties, e.g. {@code completedDateTime}, {@code createdBy.application}).
 *   <li>Arrays: every actual element is compared with the expected element of the same {@code @odata.type} (policy
 *       rules), else with the first expected element; an empty expected array says nothing about elements.
 * </ul>
 */
final class JsonShape {

    enum Keys {
        EXACT,
        AT_LEAST
    }

    private JsonShape() {}

    /** The differences, one line each with a JSON pointer; empty when the shapes agree. */
    static List<String> differences(JsonNode expected, JsonNode actual, Keys keys) {
        List<String> out = new ArrayList<>();
        compare("", expected, actual, keys, out);
        return out;
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, Keys keys, List<String> out) {
        if (expected == null || actual == null || expected.isNull() || actual.isNull()) {
            return;
        }
        String et = type(expected);
        String at = type(actual);
        if (!et.equals(at)) {
            out.add(where(path) + ": expected " + et + " but was " + at + " " + abbreviate(actual));
            return;
        }
        if (expected.isObject()) {
            Set<String> ek = names(expected);
            Set<String> ak = names(actual);
            for (String k : ek) {
                if (!ak.contains(k)) {
                    out.add(where(path) + ": missing property '" + k + "'");
                }
            }
            if (keys == Keys.EXACT) {
                for (String k : ak) {
                    if (!ek.contains(k)) {
                        out.add(where(path) + ": unexpected property '" + k + "'");
                    }
                }
            }
            for (String k : ek) {
                if (ak.contains(k)) {
                    compare(path + "/" + k, expected.get(k), actual.get(k), keys, out);
                }
            }
        } else if (expected.isArray() && !expected.isEmpty()) {
            for (int i = 0; i < actual.size(); i++) {
                JsonNode item = actual.get(i);
                JsonNode model = modelFor(expected, item);
                if (model == null) {
                    out.add(where(path + "/" + i) + ": no element of the fixture has @odata.type "
                            + item.get("@odata.type"));
                } else {
                    compare(path + "/" + i, model, item, keys, out);
                }
            }
        }
    }

    private static JsonNode modelFor(JsonNode expectedArray, JsonNode item) {
        JsonNode type = item.isObject() ? item.get("@odata.type") : null;
        if (type != null && type.isTextual()) {
            for (JsonNode e : expectedArray) {
                JsonNode t = e.get("@odata.type");
                if (t != null && t.asText().equalsIgnoreCase(type.asText())) {
                    return e;
                }
            }
            boolean fixtureTyped = false;
            for (JsonNode e : expectedArray) {
                fixtureTyped |= e.has("@odata.type");
            }
            if (fixtureTyped) {
                return null;
            }
        }
        return expectedArray.get(0);
    }

    private static String type(JsonNode n) {
        if (n.isObject()) {
            return "object";
        }
        if (n.isArray()) {
            return "array";
        }
        if (n.isTextual()) {
            return "string";
        }
        if (n.isNumber()) {
            return "number";
        }
        if (n.isBoolean()) {
            return "boolean";
        }
        return n.getNodeType().toString().toLowerCase();
    }

    private static Set<String> names(JsonNode n) {
        Set<String> s = new LinkedHashSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            s.add(it.next());
        }
        return s;
    }

    private static String where(String path) {
        return path.isEmpty() ? "/" : path;
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
