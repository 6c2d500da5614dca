package dev.pimflow.pim.simulator;

import java.util.ArrayList;
import java.util.List;
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

    private record Route(String method, Pattern pattern, boolean directoryApi, String[] permissions, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();

    /**
     * @param directoryApi whether a missing permission is answered as the directory API does
     * @param permissions the caller needs one of them; null when the handler checks itself
     */
    void add(String method, String regex, boolean directoryApi, String[] permissions, Handler handler) {
        routes.add(new Route(
                method, Pattern.compile(regex, Pattern.CASE_INSENSITIVE), directoryApi, permissions, handler));
    }

    /** 405 when the path is known for other methods only, 400 when no route knows it. */
    Reply dispatch(Call call) {
        boolean pathKnown = false;
        for (Route r : routes) {
            Matcher m = r.pattern().matcher(call.path());
            if (m.matches()) {
                pathKnown = true;
                if (r.method().equals(call.method())) {
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

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
