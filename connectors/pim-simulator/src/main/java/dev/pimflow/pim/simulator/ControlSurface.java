package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code /_simulator/*}, the unauthenticated control surface: {@code health}, {@code faults}, {@code quota},
 * {@code requests}, {@code reset} and {@code tokens}.
 */
final class ControlSurface {

    private final GraphSimulator simulator;
    private final Faults faults;
    private final Quota quota;
    private final RequestCounts requests;

    ControlSurface(GraphSimulator simulator, Faults faults, Quota quota, RequestCounts requests) {
        this.simulator = simulator;
        this.faults = faults;
        this.quota = quota;
        this.requests = requests;
    }

    Reply handle(String method, String path, byte[] body) {
        String p = Call.stripSlash(path.isEmpty() ? "/" : path).toLowerCase(Locale.ROOT);
        switch (method + " " + p) {
            case "GET /health" -> {
                ObjectNode j = Json.obj()
                        .put("status", "UP")
                        .put("tenantId", ContosoTenant.TENANT_ID)
                        .put("baseUrl", simulator.baseUrl());
                return Reply.of(200, j);
            }
            case "POST /faults" -> {
                return Reply.of(201, faults.add(controlBody(body)).toJson());
            }
            case "GET /faults" -> {
                return Reply.of(200, Json.obj().set("value", faults.list()));
            }
            case "DELETE /faults" -> {
                faults.clear();
                return Reply.of(204, null);
            }
            case "GET /quota" -> {
                return Reply.of(200, quota.toJson());
            }
            case "POST /quota" -> {
                return Reply.of(200, quota.update(controlBody(body)));
            }
            case "DELETE /quota" -> {
                quota.resetCounters();
                return Reply.of(204, null);
            }
            case "GET /requests" -> {
                return Reply.of(200, requests.toJson());
            }
            case "DELETE /requests" -> {
                requests.reset();
                return Reply.of(204, null);
            }
            case "POST /reset" -> {
                simulator.reset();
                return Reply.of(204, null);
            }
            case "POST /tokens" -> {
                return Reply.of(201, mintToken(body.length == 0 ? Json.obj() : controlBody(body)));
            }
            default ->
                throw GraphError.badRequest(
                        "BadRequest",
                        "Unknown simulator control call " + method + " /_simulator" + path
                                + " (try GET health, POST|GET|DELETE faults, GET|POST|DELETE quota, GET|DELETE requests, POST reset, POST tokens).");
        }
    }

    private static JsonNode controlBody(byte[] body) {
        try {
            return body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw GraphError.badRequest("BadRequest", "The body is not valid JSON.");
        }
    }

    /** {"oid": "...", "amr": ["pwd","mfa"], "acrs": ["c1"]} mints a delegated token; {} an app-only one. */
    private static ObjectNode mintToken(JsonNode body) {
        String oid = Json.text(body, "oid");
        SimulatorTokenCredential credential;
        if (oid == null) {
            credential = SimulatorTokenCredential.appOnly();
        } else {
            List<String> amr = new ArrayList<>();
            JsonNode a = Json.field(body, "amr");
            if (a != null && a.isArray()) {
                a.forEach(x -> amr.add(x.asText()));
            } else {
                amr.add("pwd");
            }
            credential = SimulatorTokenCredential.user(oid, amr.toArray(String[]::new));
        }
        JsonNode acrs = Json.field(body, "acrs");
        if (acrs != null && acrs.isArray()) {
            List<String> values = new ArrayList<>();
            acrs.forEach(x -> values.add(x.asText()));
            credential = credential.withClaim("acrs", values);
        }
        return Json.obj().put("token_type", "Bearer").put("expires_in", 3600).put("access_token", credential.token());
    }
}
