package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The orchestrator's REST API ({@code /api}, HTTP Basic as the admin user): activations, tickets, the audit trail, the
 * audit chain's verification, manual revoke, extension requests and approvals. Answers that every call treats alike (401, 403, 5xx, not JSON, unreachable) become
 * one-line {@link CliException}s here; the statuses a command expects (404, 409, 400) are left to it.
 *
 * <p>The password is only ever put in the Authorization header, and in the body of {@link #setPassword} (Camunda asks
 * the authenticated user's own password before it changes another's); {@link #toString()} and every message leave it
 * out.
 *
 * <p>{@link #engine} reaches the embedded Camunda's engine REST ({@code /engine-rest}) with the same login, for what
 * only Camunda's identity service does (the demo's approver login).
 */
final class ApiClient {
    private final URI base;
    private final String user;
    private final String authorization;
    private final String password;
    private final String passwordFrom;
    /** What a 401 tells to check, for a login whose password pimctl set itself; null: the admin password's hint. */
    private final String unauthorizedHint;

    private final Http http;

    ApiClient(URI base, String user, String password, String passwordFrom, Http http) {
        this(base, user, password, passwordFrom, null, http);
    }

    private ApiClient(URI base, String user, String password, String passwordFrom, String unauthorizedHint, Http http) {
        this.base = base;
        this.user = user;
        this.authorization =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.password = password;
        this.passwordFrom = passwordFrom;
        this.unauthorizedHint = unauthorizedHint;
        this.http = http;
    }

    /**
     * The same API as another login whose password pimctl set itself (the demo's approver); a 401 for it says
     * {@code unauthorizedHint}, not where the admin password comes from.
     */
    ApiClient as(String otherUser, String otherPassword, String unauthorizedHint) {
        return new ApiClient(base, otherUser, otherPassword, "pimctl", unauthorizedHint, http);
    }

    URI base() {
        return base;
    }

    /** The error for an activation id this orchestrator does not know. */
    CliException noSuchActivation(String id) {
        return new CliException(
                "no activation " + id + " at " + base() + " (find the id with 'pimctl activations list')");
    }

    String user() {
        return user;
    }

    /** {@code GET /api/activations} with the filters that are not null. */
    Http.Answer listActivations(String ticket, String principal, String status, int limit) {
        Map<String, String> query = new LinkedHashMap<>();
        if (ticket != null) {
            query.put("ticket", ticket);
        }
        if (principal != null) {
            query.put("principal", principal);
        }
        if (status != null) {
            query.put("status", status);
        }
        query.put("limit", String.valueOf(limit));
        StringJoiner q = new StringJoiner("&", "?", "");
        query.forEach((k, v) -> q.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return expectJson(call("GET", "/api/activations" + q, null), "GET", "/api/activations", true);
    }

    /** {@code GET /api/activations/{id}}: 200 with {activation, audit}, or 404 (left to the caller). */
    Http.Answer activation(String id) {
        Http.Answer a = call("GET", "/api/activations/" + id, null);
        return a.status() == 404 && hasError(a) ? a : expectJson(a, "GET", "/api/activations/" + id, false);
    }

    /**
     * {@code GET /api/tickets?system=&number=}: 200 with {ticket, activations}, or the 404 of a ticket it does not know
     * (left to the caller); any other 404 is not this API's.
     */
    Http.Answer ticket(String system, String number) {
        String query = "?system=" + URLEncoder.encode(system, StandardCharsets.UTF_8) + "&number="
                + URLEncoder.encode(number, StandardCharsets.UTF_8);
        Http.Answer a = call("GET", "/api/tickets" + query, null);
        if (a.status() == 404
                && hasError(a)
                && "number".equals(a.body().path("field").asText(null))) {
            return a;
        }
        return expectJson(a, "GET", "/api/tickets", false);
    }

    /** {@code GET /api/audit/verify}. */
    Http.Answer verifyAudit() {
        return expectJson(call("GET", "/api/audit/verify", null), "GET", "/api/audit/verify", false);
    }

    /** {@code POST /api/activations/{id}/revoke}: 202, or 400/404/409 with {@code {"error": ...}} (left to the caller). */
    Http.Answer revoke(String id, String reason) {
        String path = "/api/activations/" + id + "/revoke";
        String body = Events.mapper().createObjectNode().put("reason", reason).toString();
        Http.Answer a = call("POST", path, body);
        if ((a.status() == 400 || a.status() == 404 || a.status() == 409) && hasError(a)) {
            return a;
        }
        return expectJson(a, "POST", path, false);
    }

    /**
     * {@code POST /api/activations/{id}/extension}: 202 with {@code {activationId, extensionId, round, status}}, or
     * 400/404/409 with {@code {"error": ...}} (409 also with a {@code reason}; left to the caller). {@code justification}
     * is left out of the body when null.
     */
    Http.Answer extend(String id, String duration, String justification) {
        String path = "/api/activations/" + id + "/extension";
        var body = Events.mapper().createObjectNode().put("duration", duration);
        if (justification != null) {
            body.put("justification", justification);
        }
        Http.Answer a = call("POST", path, body.toString());
        if ((a.status() == 400 || a.status() == 404 || a.status() == 409) && hasError(a)) {
            return a;
        }
        return expectJson(a, "POST", path, false);
    }

    /** {@code GET /api/approvals?status=pending|all}. */
    Http.Answer listApprovals(boolean all) {
        String path = "/api/approvals";
        return expectJson(call("GET", path + "?status=" + (all ? "all" : "pending"), null), "GET", path, true);
    }

    /** The error for an approval id this orchestrator does not know. */
    CliException noSuchApproval(String id) {
        return new CliException("no approval " + id + " at " + base() + " (find the id with 'pimctl approvals list')");
    }

    /**
     * {@code POST /api/approvals/{id}/decision}: 200 with the approval, or 400/403/404/409 with {@code {"error": ...}}
     * (left to the caller). A 403 with the server's reason is the caller's too: the login may hold the approver role
     * and still not be one of this stage's approvers (or be the requester), which "use another user" does not fix.
     * {@code justification} is left out of the body when null: whether the role's policy requires one is the server's
     * call.
     */
    Http.Answer decide(String approvalId, String decision, String justification) {
        String path = "/api/approvals/" + approvalId + "/decision";
        var body = Events.mapper().createObjectNode().put("decision", decision);
        if (justification != null) {
            body.put("justification", justification);
        }
        Http.Answer a = call("POST", path, body.toString(), true);
        if ((a.status() == 400 || a.status() == 403 || a.status() == 404 || a.status() == 409) && hasError(a)) {
            return a;
        }
        return expectJson(a, "POST", path, false);
    }

    /**
     * One call to engine REST ({@code /engine-rest} + {@code path}) with this login: unreachable and 401 are errors as for
     * the product API; every other answer, 403 included (Camunda says which permission is missing), is the caller's.
     */
    Http.Answer engine(String method, String path, String json) {
        return call(method, "/engine-rest" + path, json, a -> true);
    }

    /**
     * {@code PUT /engine-rest/user/{userId}/credentials}: sets another user's password. Camunda asks for the
     * authenticated user's own password too ({@code authenticatedUserPassword}), which is this login's.
     */
    Http.Answer setPassword(String userId, String newPassword) {
        String body = Events.mapper()
                .createObjectNode()
                .put("password", newPassword)
                .put("authenticatedUserPassword", password)
                .toString();
        return engine("PUT", "/user/" + URLEncoder.encode(userId, StandardCharsets.UTF_8) + "/credentials", body);
    }

    /** What engine REST says of a failed call: its {@code message}, else as {@link #error}. */
    static String engineError(Http.Answer a) {
        if (a.body() != null && a.body().hasNonNull("message")) {
            return Pimctl.oneLine(a.body().get("message").asText());
        }
        return error(a);
    }

    /** The {@code error} text of a {@code {"error": ...}} answer, else the body as text (shortened), else the status. */
    static String error(Http.Answer a) {
        if (a.body() != null && a.body().hasNonNull("error")) {
            return Pimctl.oneLine(a.body().get("error").asText());
        }
        String raw = a.raw() == null ? "" : Pimctl.oneLine(a.raw());
        if (raw.isEmpty()) {
            return "HTTP " + a.status();
        }
        return raw.length() > 200 ? raw.substring(0, 200) + "..." : raw;
    }

    private static boolean hasError(Http.Answer a) {
        return a.body() != null && a.body().hasNonNull("error");
    }

    private Http.Answer call(String method, String path, String json) {
        return call(method, path, json, false);
    }

    /** One call; 401 and 403 become errors here, except a 403 with an {@code error} body when the caller explains it. */
    private Http.Answer call(String method, String path, String json, boolean callerExplainsForbidden) {
        return call(method, path, json, a -> callerExplainsForbidden && hasError(a));
    }

    /** One call; 401 becomes an error here, and a 403 too unless {@code callerExplains} it. */
    private Http.Answer call(
            String method, String path, String json, java.util.function.Predicate<Http.Answer> callerExplains) {
        String url = base + path;
        Http.Answer a;
        try {
            a = http.send(method, url, Map.of("Authorization", authorization), json);
        } catch (Http.Unreachable e) {
            throw new CliException(
                    e.getMessage().replaceFirst("^cannot reach \\S+", "cannot reach the orchestrator at " + base)
                            + ": is it running? (set --url or PIMFLOW_URL)");
        }
        if (a.status() == 401 && unauthorizedHint != null) {
            throw new CliException("the orchestrator at " + base + " refused user '" + user + "' (401 Unauthorized): "
                    + unauthorizedHint);
        }
        if (a.status() == 401) {
            String check = passwordFrom.equals(Pimctl.PASSWORD_ENV)
                    ? "set " + Pimctl.PASSWORD_ENV
                    : "check " + passwordFrom + " (or set " + Pimctl.PASSWORD_ENV + ")";
            throw new CliException("the orchestrator at " + base + " refused user '" + user + "' (401 Unauthorized): "
                    + check + " to the admin password it printed at its first start (and --user, if not admin)");
        }
        if (a.status() == 403 && !callerExplains.test(a)) {
            throw new CliException("the orchestrator at " + base + " does not let user '" + user + "' " + method + " "
                    + path + " (403 Forbidden): use the admin user (--user)");
        }
        return a;
    }

    private Http.Answer expectJson(Http.Answer a, String method, String path, boolean array) {
        if (!a.ok()) {
            String hint = a.status() == 404 || (a.status() >= 300 && a.status() < 400)
                    ? ": is " + base + " a pimflow orchestrator? (check --url)"
                    : "";
            throw new CliException(method + " " + base + path + " answered " + a.status() + ": " + error(a) + hint);
        }
        JsonNode body = a.body();
        if (body == null || (array ? !body.isArray() : !body.isObject())) {
            throw new CliException(method + " " + base + path + " did not answer a JSON " + (array ? "array" : "object")
                    + ": is " + base + " a pimflow orchestrator? (check --url)");
        }
        return a;
    }

    @Override
    public String toString() {
        return "ApiClient[" + base + ", user " + user + ", password from " + passwordFrom + "]";
    }
}
