package dev.pimflow.pim.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** A Graph error response: HTTP status, {@code error.code}, {@code error.message}. */
final class GraphError extends RuntimeException {

    final int status;
    final String code;
    final Map<String, String> headers = new LinkedHashMap<>();

    GraphError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    GraphError header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    static GraphError badRequest(String code, String message) {
        return new GraphError(400, code, message);
    }

    static GraphError notFound(String id) {
        return new GraphError(
                404,
                "itemNotFound",
                "Resource '" + id
                        + "' does not exist or one of its queried reference-property objects are not present.");
    }

    static GraphError invalidRequest(String message) {
        return new GraphError(400, "InvalidRoleAssignmentRequest", message);
    }

    static GraphError policyFailed(java.util.List<String> rules) {
        StringBuilder sb = new StringBuilder("The following policy rules failed: [");
        for (int i = 0; i < rules.size(); i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(rules.get(i)).append('"');
        }
        return new GraphError(
                400,
                "RoleAssignmentRequestPolicyValidationFailed",
                sb.append(']').toString());
    }
}
