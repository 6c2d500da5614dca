package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

/**
 * The fault switch: {@code POST /_simulator/faults} arms a fault that answers the next {@code count} matching
 * requests (a negative count: until cleared). A fault with {@code status} 0 only delays the real answer.
 */
final class Faults {

    static final class Fault {
        final String id = UUID.randomUUID().toString();
        final int status;
        final Double retryAfterSeconds;
        final long delayMillis;
        final String pathContains;
        final String method;
        final String code;
        final String message;
        int remaining;

        Fault(
                int status,
                Double retryAfterSeconds,
                int count,
                long delayMillis,
                String pathContains,
                String method,
                String code,
                String message) {
            this.status = status;
            this.retryAfterSeconds = retryAfterSeconds;
            this.remaining = count;
            this.delayMillis = delayMillis;
            this.pathContains = pathContains;
            this.method = method;
            this.code = code;
            this.message = message;
        }

        boolean matches(String requestMethod, String target) {
            return (method == null || method.equalsIgnoreCase(requestMethod))
                    && (pathContains == null || target.toLowerCase().contains(pathContains.toLowerCase()));
        }

        ObjectNode toJson() {
            ObjectNode j = Json.obj();
            j.put("id", id);
            j.put("status", status);
            if (retryAfterSeconds == null) {
                j.putNull("retryAfterSeconds");
            } else {
                j.put("retryAfterSeconds", retryAfterSeconds);
            }
            j.put("count", remaining);
            j.put("delayMillis", delayMillis);
            j.put("pathContains", pathContains);
            j.put("method", method);
            j.put("code", code);
            j.put("message", message);
            return j;
        }
    }

    private final List<Fault> faults = new ArrayList<>();

    synchronized Fault add(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw GraphError.badRequest("BadRequest", "A JSON object is required.");
        }
        int status = body.path("status").asInt(0);
        int count = body.has("count") && !body.get("count").isNull()
                ? body.get("count").asInt()
                : 1;
        long delay = body.path("delayMillis").asLong(0);
        if (status != 0 && (status < 400 || status > 599)) {
            throw GraphError.badRequest(
                    "BadRequest", "status must be 0 (delay only) or an HTTP error status (400-599).");
        }
        if (count == 0) {
            throw GraphError.badRequest("BadRequest", "count must be positive, or negative for 'until cleared'.");
        }
        if (status == 0 && delay <= 0) {
            throw GraphError.badRequest("BadRequest", "A fault needs an error status, a delay, or both.");
        }
        JsonNode ra = body.get("retryAfterSeconds");
        Fault f = new Fault(
                status,
                ra == null || ra.isNull() ? null : ra.asDouble(),
                count,
                delay,
                Json.text(body, "pathContains"),
                Json.text(body, "method"),
                Json.text(body, "code"),
                Json.text(body, "message"));
        faults.add(f);
        return f;
    }

    /** The fault for this request, consuming one of its uses, or null. */
    synchronized Fault next(String method, String target) {
        for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
            Fault f = it.next();
            if (f.matches(method, target)) {
                if (f.remaining > 0 && --f.remaining == 0) {
                    it.remove();
                }
                return f;
            }
        }
        return null;
    }

    synchronized void clear() {
        faults.clear();
    }

    synchronized ArrayNode list() {
        ArrayNode a = Json.arr();
        faults.forEach(f -> a.add(f.toJson()));
        return a;
    }

    /** Graph's 429 with {@code Retry-After}, exactly as a throttling fault answers (the quota's answer). */
    static GraphError throttled(long retryAfterSeconds) {
        return error(new Fault(429, (double) retryAfterSeconds, 1, 0, null, null, null, null));
    }

    /** The Graph-shaped error a fault answers with (spec sections 1 and 8). */
    static GraphError error(Fault f) {
        String code;
        String message;
        switch (f.status) {
            case 400 -> {
                code = "invalidRequest";
                message = "Invalid request.";
            }
            case 401 -> {
                code = "InvalidAuthenticationToken";
                message = "Access token validation failure.";
            }
            case 403 -> {
                code = "accessDenied";
                message = "Access denied. The caller does not have permission to perform the action.";
            }
            case 404 -> {
                code = "itemNotFound";
                message = "The resource could not be found.";
            }
            case 409 -> {
                code = "conflict";
                message = "The request conflicts with the current state.";
            }
            case 429 -> {
                code = "TooManyRequests";
                message = "Please retry again later.";
            }
            case 502 -> {
                code = "badGateway";
                message = "Bad gateway.";
            }
            case 503 -> {
                code = "serviceNotAvailable";
                message = "The service is temporarily unavailable. Please retry later.";
            }
            case 504 -> {
                code = "gatewayTimeout";
                message = "The gateway timed out.";
            }
            default -> {
                code = "generalException";
                message = "An unspecified error has occurred.";
            }
        }
        GraphError e =
                new GraphError(f.status, f.code != null ? f.code : code, f.message != null ? f.message : message);
        if (f.retryAfterSeconds != null) {
            double s = f.retryAfterSeconds;
            e.header("Retry-After", s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s));
        }
        return e;
    }
}
