package dev.pimflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prepares the Graph simulator through its HTTP API only, as an administrator would: finds out whether users can be
 * created (they cannot: the simulator has no POST /users), and makes Bob eligible for User Administrator
 * (roleEligibilityScheduleRequests adminAssign), so three principals can activate (Aline and the admin through the
 * seeded helpdesk group, Bob directly).
 */
final class Seeder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String root;
    final Map<String, Object> report = new LinkedHashMap<>();

    Seeder(String graphBaseUrl) {
        this.base = graphBaseUrl;
        this.root = graphBaseUrl.substring(0, graphBaseUrl.lastIndexOf("/v1.0"));
    }

    /** @param graphLatencyMillis added to every /v1.0 call through the simulator's fault switch (a slow but normal answer), 0 = none */
    List<String> seed(long graphLatencyMillis) throws Exception {
        if (graphLatencyMillis > 0) {
            HttpResponse<String> f = post(
                    root + "/_simulator/faults",
                    "{\"status\":0,\"delayMillis\":" + graphLatencyMillis + ",\"count\":-1}",
                    null);
            report.put(
                    "graphLatency",
                    graphLatencyMillis + " ms on every Graph call: POST /_simulator/faults -> " + f.statusCode());
        }
        String adminToken = JSON.readTree(post(
                                root + "/_simulator/tokens",
                                "{\"oid\":\"" + Workload.ADMIN + "\",\"amr\":[\"pwd\",\"mfa\"]}",
                                null)
                        .body())
                .path("access_token")
                .asText();
        HttpResponse<String> user = post(
                base + "/users",
                "{\"accountEnabled\":true,\"displayName\":\"Bench User 1\","
                        + "\"mailNickname\":\"bench1\",\"userPrincipalName\":\"bench1@contoso.onmicrosoft.com\","
                        + "\"passwordProfile\":{\"password\":\"x\"}}",
                adminToken);
        report.put("createUser", "POST /v1.0/users -> " + user.statusCode() + " " + abbreviate(user.body()));
        List<String> principals = new ArrayList<>(List.of(Workload.ALINE, Workload.ADMIN));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String body =
                "{\"action\":\"adminAssign\",\"justification\":\"pimflow bench: Bob eligible for User Administrator\","
                        + "\"roleDefinitionId\":\"" + Workload.USER_ADMINISTRATOR
                        + "\",\"directoryScopeId\":\"/\",\"principalId\":\"" + Workload.BOB + "\","
                        + "\"scheduleInfo\":{\"startDateTime\":\"" + now
                        + "\",\"expiration\":{\"type\":\"afterDateTime\",\"endDateTime\":\""
                        + now.plus(170, ChronoUnit.DAYS) + "\"}}}";
        HttpResponse<String> elig =
                post(base + "/roleManagement/directory/roleEligibilityScheduleRequests", body, adminToken);
        report.put(
                "bobEligibility",
                "POST roleEligibilityScheduleRequests -> " + elig.statusCode() + " " + abbreviate(elig.body()));
        if (elig.statusCode() == 201) {
            principals.add(Workload.BOB);
        }
        report.put("principals", principals);
        return principals;
    }

    private HttpResponse<String> post(String url, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String abbreviate(String s) {
        try {
            JsonNode n = JSON.readTree(s);
            if (n.has("error")) {
                return n.path("error").path("code").asText() + ": "
                        + n.path("error").path("message").asText();
            }
            if (n.has("status")) {
                return "status " + n.path("status").asText();
            }
        } catch (Exception ignored) {
            // not JSON
        }
        return s.length() > 160 ? s.substring(0, 160) : s;
    }
}
