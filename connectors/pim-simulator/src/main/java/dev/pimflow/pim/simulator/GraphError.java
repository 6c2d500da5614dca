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

    /**
     * An id a PIM endpoint does not know (a role definition, a schedule request, a policy or its rule). Directory objects
     * have their own code: {@link #resourceNotFound}.
     */
    static GraphError notFound(String id) {
        return new GraphError(
                404,
                "itemNotFound",
                "Resource '" + id
                        + "' does not exist or one of its queried reference-property objects are not present.");
    }

    /**
     * A user, group or other directory object Graph does not know (by id, or a user by user principal name), on every
     * {@code /users/...} and {@code /groups/...} route: 404 {@code Request_ResourceNotFound}, the code the directory API
     * answers for users, groups and applications alike. Body as observed on real Graph, e.g.
     * microsoftgraph/microsoft-graph-docs-contrib#6431 ({@code "code": "Request_ResourceNotFound", "message": "Resource
     * '8c14a998-…' does not exist or one of its queried reference-property objects are not present."}) and #7618 (the
     * same message for {@code GET /applications/{id}}); bitwarden/directory-connector#99 quotes the same message for the
     * groups of a deleted user. The spec file (reference/graph-pim-spec.md) does not cover it. Guess: that Graph quotes
     * a user principal name in the message just as it quotes an id.
     */
    static GraphError resourceNotFound(String id) {
        return new GraphError(
                404,
                "Request_ResourceNotFound",
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
