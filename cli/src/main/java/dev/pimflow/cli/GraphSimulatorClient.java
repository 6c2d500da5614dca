package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * pimflow's Graph simulator as {@code pimctl tutorial} and {@code pimctl demo} use it: the tokens it mints at its
 * origin's {@code POST /_simulator/tokens}, and (for the demo) Aline's assignments of one role (User Administrator, or
 * with {@code --approval} the seed's approval role), read with an app-only token it mints.
 */
final class GraphSimulatorClient {
    final URI base;
    private final Http http;
    private String token;

    GraphSimulatorClient(URI base, Http http) {
        this.base = base;
        this.http = http;
    }

    /** The scheme and authority of a Graph base URL, where the simulator serves its {@code /_simulator} endpoints. */
    static String origin(URI base) {
        return base.getScheme() + "://" + base.getRawAuthority();
    }

    /**
     * A bearer token from a pimflow Graph simulator's {@code POST <origin>/_simulator/tokens}: delegated for
     * {@code {"oid": ..., "amr": [...]}}, app-only (the orchestrator's application permissions) for {@code {}}.
     */
    static String mintToken(Http http, String origin, ObjectNode claims) {
        Http.Answer a = http.send("POST", origin + "/_simulator/tokens", Map.of(), claims.toString());
        String minted = a.body() == null ? null : a.body().path("access_token").asText(null);
        if (a.status() != 201 || minted == null) {
            throw new CliException("the simulator's POST " + origin + "/_simulator/tokens answered " + a.status()
                    + " without a token");
        }
        return minted;
    }

    /** Aline's User Administrator assignments in Graph. */
    List<JsonNode> userAdministrator() {
        return assignments(TutorialTenant.USER_ADMINISTRATOR_ROLE_ID);
    }

    /** Aline's assignments of the role {@code roleDefinitionId} in Graph. */
    List<JsonNode> assignments(String roleDefinitionId) {
        String url = base + "/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'"
                + TutorialTenant.ALINE_ID + "'";
        Http.Answer a;
        try {
            a = http.send("GET", url, Map.of("Authorization", "Bearer " + appToken()), null);
        } catch (Http.Unreachable e) {
            throw new CliException(
                    e.getMessage().replaceFirst("^cannot reach \\S+", "cannot reach the Graph simulator at " + base)
                            + ": is the orchestrator running with its embedded simulator? (set --graph-base-url)");
        }
        if (a.status() != 200 || a.body() == null || !a.body().path("value").isArray()) {
            throw new CliException("GET " + base + "/roleManagement/directory/roleAssignments answered " + a.status()
                    + (a.body() != null && a.body().has("error")
                            ? ": "
                                    + Pimctl.oneLine(a.body()
                                            .path("error")
                                            .path("message")
                                            .asText())
                            : ""));
        }
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode assignment : a.body().path("value")) {
            if (roleDefinitionId.equalsIgnoreCase(
                    assignment.path("roleDefinitionId").asText())) {
                found.add(assignment);
            }
        }
        return found;
    }

    /** The app-only token, minted on first use. */
    private String appToken() {
        if (token == null) {
            try {
                token = mintToken(http, origin(base), Events.mapper().createObjectNode());
            } catch (Http.Unreachable e) {
                throw e;
            } catch (CliException e) {
                throw new CliException(base + " is not a pimflow Graph simulator (" + e.getMessage()
                        + "): the demo reads " + "Aline's role assignments there (set --graph-base-url)");
            }
        }
        return token;
    }
}
