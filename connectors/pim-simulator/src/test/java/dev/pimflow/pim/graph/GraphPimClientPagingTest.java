package dev.pimflow.pim.graph;

import static dev.pimflow.pim.simulator.ContosoTenant.ADMIN_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pimflow.pim.Eligibility;
import dev.pimflow.pim.simulator.GraphHttp;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With one item per page the client must follow @odata.nextLink to find eligibility on a later page. */
class GraphPimClientPagingTest {

    private static final String HELPDESK_ADMINISTRATOR = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

    private static GraphSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0, Clock.systemUTC(), 1);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void eligibilityViaAGroupOnTheSecondPage() {
        GraphHttp http = new GraphHttp(simulator.baseUrl());
        String admin = SimulatorTokenCredential.user(ADMIN_ID, "pwd", "mfa").token();
        String first = createGroup(http, admin, "Sales (no roles)");
        String second = createGroup(http, admin, "Helpdesk Tier 2");
        String body = "{\"action\":\"adminAssign\",\"justification\":\"tier 2\",\"roleDefinitionId\":\""
                + HELPDESK_ADMINISTRATOR
                + "\",\"directoryScopeId\":\"/\",\"principalId\":\"" + second
                + "\",\"scheduleInfo\":{\"startDateTime\":\""
                + Instant.now() + "\",\"expiration\":{\"type\":\"afterDuration\",\"duration\":\"P30D\"}}}";
        assertThat(http.post("/roleManagement/directory/roleEligibilityScheduleRequests", admin, body)
                        .status())
                .isEqualTo(201);
        assertThat(http.get("/users/" + BOB_ID + "/transitiveMemberOf", admin)
                        .body()
                        .has("@odata.nextLink"))
                .isTrue();

        GraphPimClient client =
                new GraphPimClient(GraphClientSettings.defaults(simulator.baseUrl()), new SimulatorTokenCredential());
        assertThat(client.eligibility(BOB_ID, HELPDESK_ADMINISTRATOR, "/"))
                .isEqualTo(new Eligibility(true, second, "Helpdesk Tier 2"));
        assertThat(first).isNotEqualTo(second);
    }

    private static String createGroup(GraphHttp http, String token, String name) {
        String body = "{\"displayName\":\"" + name + "\",\"mailEnabled\":false,\"mailNickname\":\"g" + name.hashCode()
                + "\",\"securityEnabled\":true,\"isAssignableToRole\":true,\"members@odata.bind\":[\"https://graph.microsoft.com/v1.0/users/"
                + BOB_ID + "\"]}";
        GraphHttp.Response r = http.post("/groups", token, body);
        assertThat(r.status()).isEqualTo(201);
        return r.body().get("id").asText();
    }

    @Test
    void defaultsAreSane() {
        GraphClientSettings d = GraphClientSettings.defaults("https://graph.microsoft.com/v1.0/");
        assertThat(d.baseUrl()).isEqualTo(GraphClientSettings.GRAPH_V1);
        assertThat(d.maxAttempts()).isGreaterThan(1);
        assertThat(d.maxBackoff()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
}
