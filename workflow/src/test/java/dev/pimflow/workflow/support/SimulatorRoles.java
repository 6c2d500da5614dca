package dev.pimflow.workflow.support;

import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What PIM says a principal holds, asked of the Graph simulator over HTTP with an app-only token, as curl would. */
public final class SimulatorRoles {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private SimulatorRoles() {}

    /** Role template ids of {@code GET roleAssignments?$filter=principalId eq '…'} at the Graph base URL ({@code …/v1.0}). */
    public static List<String> activeRoles(String graphBaseUrl, String principalId) {
        String filter = URLEncoder.encode("principalId eq '" + principalId + "'", StandardCharsets.UTF_8)
                .replace("+", "%20");
        String token = SimulatorTokenCredential.appOnly()
                .getTokenSync(new TokenRequestContext().addScopes("https://graph.microsoft.com/.default"))
                .getToken();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(graphBaseUrl + "/roleManagement/directory/roleAssignments?$filter=" + filter))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "roleAssignments answered " + response.statusCode() + ": " + response.body());
            }
            List<String> roles = new ArrayList<>();
            JsonNode body = JSON.readTree(response.body());
            body.path("value").forEach(a -> roles.add(a.path("roleDefinitionId").asText()));
            return roles;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
