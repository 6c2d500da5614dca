package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** A route's answer: status, JSON body (null for none) and extra headers. */
record Reply(int status, JsonNode body, Map<String, String> headers) {
    static Reply of(int status, JsonNode body) {
        return new Reply(status, body, Map.of());
    }
}
