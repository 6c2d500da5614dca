package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes answers and Graph's error envelope, with the request-id and client-request-id headers. */
final class ResponseWriter {

    private static final Logger log = LoggerFactory.getLogger(GraphSimulator.class);
    private static final String JSON_TYPE =
            "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

    private final Clock clock;

    ResponseWriter(Clock clock) {
        this.clock = clock;
    }

    void write(
            HttpExchange ex,
            int status,
            JsonNode body,
            Map<String, String> headers,
            String requestId,
            String clientRequestId) {
        try {
            var h = ex.getResponseHeaders();
            h.set("request-id", requestId);
            h.set("client-request-id", clientRequestId);
            headers.forEach(h::set);
            if (body == null) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
            h.set("Content-Type", JSON_TYPE);
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (IOException e) {
            log.debug("Could not write the response (client gone?): {}", e.toString());
        }
    }

    void writeError(HttpExchange ex, GraphError e, String requestId, String clientRequestId) {
        ObjectNode body = Json.obj();
        ObjectNode error = body.putObject("error");
        error.put("code", e.code);
        error.put("message", e.getMessage());
        ObjectNode inner = error.putObject("innerError");
        if (e.status == 429) {
            // spec 8, Graph's throttling example: code, date, message, request-id, status (no client-request-id;
            // the caller's id is still echoed in the client-request-id header)
            inner.put("code", "429");
            inner.put("date", Json.innerErrorDate(clock.instant()));
            inner.put("message", "Please retry after");
            inner.put("request-id", requestId);
            inner.put("status", "429");
        } else {
            inner.put("date", Json.innerErrorDate(clock.instant()));
            inner.put("request-id", requestId);
            inner.put("client-request-id", clientRequestId);
        }
        write(ex, e.status, body, e.headers, requestId, clientRequestId);
    }
}
