package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Collection and entity answers as Graph shapes them: {@code @odata.context}, {@code $filter}, {@code $expand},
 * {@code $count} and paging with {@code $top} and a skip token.
 */
final class ODataResponses {

    private final int pageSize;
    private final Supplier<TenantState> state;

    ODataResponses(int pageSize, Supplier<TenantState> state) {
        this.pageSize = pageSize;
        this.state = state;
    }

    ObjectNode expand(Call c, ObjectNode item) {
        for (String name : ExpandOptions.expansions(c)) {
            if (name.equals("roleDefinition")) {
                item.set(name, state.get().roleDefinition(Json.text(item, "roleDefinitionId")));
            } else {
                item.set(name, state.get().principal(Json.text(item, "principalId")));
            }
        }
        return item;
    }

    Reply expanded(Call c, String context, List<ObjectNode> items, boolean contextIsCollection) {
        Set<String> names = ExpandOptions.expansions(c);
        String ctx = context;
        if (!names.isEmpty() && !contextIsCollection) {
            ctx += "(" + String.join(",", names.stream().map(n -> n + "()").toList()) + ")";
        }
        List<ObjectNode> filtered = filter(c, items);
        filtered.forEach(i -> expand(c, i));
        return page(c, ctx, filtered);
    }

    Reply collection(Call c, String context, List<ObjectNode> items) {
        return page(c, context, filter(c, items));
    }

    /**
     * A collection of an entity set that honours {@code $select}: filtered on the whole items, then cut to the selected
     * properties, with Graph's context {@code users(id,mail)}.
     */
    Reply selectedCollection(Call c, String entitySet, List<ObjectNode> items) {
        List<String> names = selection(c);
        List<ObjectNode> filtered = filter(c, items);
        if (names.isEmpty()) {
            return page(c, entitySet, filtered);
        }
        return page(
                c,
                entitySet + "(" + String.join(",", names) + ")",
                filtered.stream().map(i -> select(i, names)).toList());
    }

    /** One entity of an entity set that honours {@code $select}: {@code users(id)/$entity}, as Graph's context says. */
    static Reply selectedEntity(Call c, String entitySet, ObjectNode item) {
        List<String> names = selection(c);
        if (names.isEmpty()) {
            return entity(entitySet + "/$entity", item);
        }
        return entity(entitySet + "(" + String.join(",", names) + ")/$entity", select(item, names));
    }

    /** The {@code $select} names as given, empty without one. */
    private static List<String> selection(Call c) {
        String select = c.query("$select");
        if (select == null || select.isBlank()) {
            return List.of();
        }
        return Arrays.stream(select.split(","))
                .map(String::trim)
                .filter(n -> !n.isEmpty())
                .toList();
    }

    /**
     * The item with the selected properties only, named as the item names them. A name the simulator's item does not
     * hold is left out (Graph knows properties the simulator does not model; it answers 400 for a name it does not
     * know, which the simulator cannot tell apart).
     */
    private static ObjectNode select(ObjectNode item, List<String> names) {
        ObjectNode out = Json.obj();
        for (String name : names) {
            item.fieldNames().forEachRemaining(f -> {
                if (f.equalsIgnoreCase(name)) {
                    out.set(f, item.get(f));
                }
            });
        }
        return out;
    }

    private static List<ObjectNode> filter(Call c, List<ObjectNode> items) {
        ODataFilter f = ODataFilter.parse(c.query("$filter"));
        return items.stream().filter(f::matches).toList();
    }

    /** One page of a collection; {@code @odata.nextLink} carries the rest of the caller's query plus a skip token. */
    private Reply page(Call c, String context, List<ObjectNode> items) {
        int size = pageSize;
        String top = c.query("$top");
        if (top != null) {
            try {
                size = Math.max(1, Math.min(999, Integer.parseInt(top.trim())));
            } catch (NumberFormatException e) {
                throw GraphError.badRequest("BadRequest", "Invalid $top value '" + top + "'.");
            }
        }
        int offset = 0;
        String token = c.query("$skiptoken");
        if (token != null) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                offset = Integer.parseInt(decoded.substring(decoded.indexOf('=') + 1));
            } catch (RuntimeException e) {
                throw GraphError.badRequest("BadRequest", "Invalid $skiptoken.");
            }
        }
        ObjectNode body = Json.obj();
        body.put("@odata.context", Json.CONTEXT_BASE + context);
        if ("true".equalsIgnoreCase(c.query("$count"))) {
            body.put("@odata.count", items.size());
        }
        int end = Math.min(items.size(), offset + size);
        if (end < items.size()) {
            String next = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(("offset=" + end).getBytes(StandardCharsets.UTF_8));
            StringBuilder link = new StringBuilder(c.linkBase())
                    .append(c.rawPath().substring(5))
                    .append('?');
            if (c.rawQuery() != null) {
                for (String pair : c.rawQuery().split("&")) {
                    String name = Call.decode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair);
                    if (!name.equalsIgnoreCase("$skiptoken") && !pair.isEmpty()) {
                        link.append(pair).append('&');
                    }
                }
            }
            body.put("@odata.nextLink", link.append("$skiptoken=").append(next).toString());
        }
        var value = body.putArray("value");
        for (int i = Math.min(offset, items.size()); i < end; i++) {
            value.add(items.get(i));
        }
        return Reply.of(200, body);
    }

    static Reply entity(String context, ObjectNode item) {
        return Reply.of(200, withContext(context, item));
    }

    static ObjectNode withContext(String context, ObjectNode item) {
        ObjectNode out = Json.obj();
        out.put("@odata.context", Json.CONTEXT_BASE + context);
        out.setAll(item);
        return out;
    }
}
