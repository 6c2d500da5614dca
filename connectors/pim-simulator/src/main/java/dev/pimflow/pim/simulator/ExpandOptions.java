package dev.pimflow.pim.simulator;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The {@code $expand} query option, as far as the simulator supports it. */
final class ExpandOptions {

    private ExpandOptions() {}

    /** [expand the first level, expand rules below it] for "policy($expand=rules)" or "rules". */
    static boolean[] policyExpansion(String expand, String top) {
        if (expand == null || expand.isBlank()) {
            return new boolean[] {false, false};
        }
        for (String item : splitTopLevel(expand)) {
            String name =
                    item.contains("(") ? item.substring(0, item.indexOf('(')).trim() : item.trim();
            if (name.equalsIgnoreCase(top)) {
                String nested = item.contains("(") ? item.substring(item.indexOf('(') + 1) : "";
                return new boolean[] {true, nested.toLowerCase(Locale.ROOT).contains("rules")};
            }
            if (!name.equals("*")) {
                throw GraphError.badRequest("BadRequest", "Could not find a property named '" + name + "' to expand.");
            }
            return new boolean[] {true, true};
        }
        return new boolean[] {false, false};
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                parts.add(s.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** $expand=roleDefinition,principal on requests, schedules, instances and roleAssignments. */
    static Set<String> expansions(Call c) {
        Set<String> names = new LinkedHashSet<>();
        String expand = c.query("$expand");
        if (expand == null || expand.isBlank()) {
            return names;
        }
        for (String item : splitTopLevel(expand)) {
            String name = (item.contains("(") ? item.substring(0, item.indexOf('(')) : item).trim();
            if (name.equalsIgnoreCase("roleDefinition")) {
                names.add("roleDefinition");
            } else if (name.equalsIgnoreCase("principal")) {
                names.add("principal");
            } else {
                throw GraphError.badRequest("BadRequest", "Could not find a property named '" + name + "' to expand.");
            }
        }
        return names;
    }
}
