package dev.pimflow.pim.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Graph routes, matched in the order they were added: the first whose path and method match answers. */
final class Routes {

    static final String ID = "([^/]+)";
    static final String KIND = "(roleEligibility|roleAssignment)";
    static final String RM = "/roleManagement/directory/";

    @FunctionalInterface
    interface Handler {
        Reply handle(Call call, Matcher path);
    }

    /** @param ids how many {@link #ID} groups the pattern has, named {@code id0}, {@code id1}... in order */
    private record Route(
            String method, Pattern pattern, int ids, boolean directoryApi, String[] permissions, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();
    private final Consumer<String> taken;

    /** @param taken told the endpoint of each request a route takes (see {@link RequestCounts}) */
    Routes(Consumer<String> taken) {
        this.taken = taken;
    }

    /**
     * @param directoryApi whether a missing permission is answered as the directory API does
     * @param permissions the caller needs one of them; null when the handler checks itself
     */
    void add(String method, String regex, boolean directoryApi, String[] permissions, Handler handler) {
        // each id a named group (numbering unchanged), so that the endpoint can be named with {id} in its place
        String named = regex;
        int ids = 0;
        for (int at = named.indexOf(ID); at >= 0; at = named.indexOf(ID, at)) {
            String group = "(?<id" + ids++ + ">[^/]+)";
            named = named.substring(0, at) + group + named.substring(at + ID.length());
            at += group.length();
        }
        routes.add(new Route(
                method, Pattern.compile(named, Pattern.CASE_INSENSITIVE), ids, directoryApi, permissions, handler));
    }

    /** 405 when the path is known for other methods only, 400 when no route knows it. */
    Reply dispatch(Call call) {
        boolean pathKnown = false;
        for (Route r : routes) {
            Matcher m = r.pattern().matcher(call.path());
            if (m.matches()) {
                pathKnown = true;
                if (r.method().equals(call.method())) {
                    taken.accept(endpoint(call, r, m));
                    if (r.permissions() != null) {
                        call.caller().requireAny(r.directoryApi(), r.permissions());
                    }
                    return r.handler().handle(call, m);
                }
            }
        }
        if (pathKnown) {
            throw new GraphError(405, "BadRequest", "Specified HTTP method is not allowed for the request target.");
        }
        throw GraphError.badRequest(
                "BadRequest", "Resource not found for the segment '" + lastSegment(call.path()) + "'.");
    }

    /** The method, the path with {@code {id}} for each id, and the query options' names, sorted. */
    private static String endpoint(Call call, Route r, Matcher m) {
        StringBuilder path = new StringBuilder();
        int from = 0;
        for (int i = 0; i < r.ids(); i++) {
            String group = "id" + i;
            path.append(call.path(), from, m.start(group)).append("{id}");
            from = m.end(group);
        }
        path.append(call.path().substring(from));
        TreeSet<String> options = new TreeSet<>(call.query().keySet());
        return call.method() + " " + path + (options.isEmpty() ? "" : "?" + String.join("&", options));
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
