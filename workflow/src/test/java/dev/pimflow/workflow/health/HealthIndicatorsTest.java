package dev.pimflow.workflow.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pimflow.pim.PimException;
import dev.pimflow.pim.graph.GraphClientSettings;
import dev.pimflow.pim.graph.GraphPimClient;
import dev.pimflow.pim.graph.GraphThrottle;
import dev.pimflow.pim.simulator.ContosoTenant;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.directory.GraphEndpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.kafka.core.KafkaAdmin;

/** The Graph and Kafka health indicators on their own: what counts as UP, and DOWN within the timeout. */
class HealthIndicatorsTest {
    private static GraphSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void simulatorModeAsksTheSimulatorsHealth() {
        Health health = graph(simulator.baseUrl(), "simulator").health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("mode", "simulator").containsEntry("httpStatus", 200);
        assertThat(health.getDetails()).doesNotContainKey("throttledUntil");
    }

    @Test
    void graphThatSaysWaitIsUpAndShowsUntilWhen() throws Exception {
        GraphThrottle throttle = new GraphThrottle();
        GraphPimClient client = new GraphPimClient(
                new GraphClientSettings(
                        simulator.baseUrl(), Duration.ofSeconds(5), 2, Duration.ofMillis(10), Duration.ofSeconds(1)),
                new SimulatorTokenCredential(),
                GraphPimClient.DEFAULT_SCOPE,
                throttle);
        HttpResponse<String> armed = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(simulator.baseUrl().replace("/v1.0", "") + "/_simulator/faults"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"status\":429,\"retryAfterSeconds\":120,\"count\":1}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(armed.statusCode()).isEqualTo(201);
        Instant before = Instant.now();
        assertThatThrownBy(() -> client.roleDefinition(ContosoTenant.USER_ADMINISTRATOR_ROLE_ID))
                .isInstanceOf(PimException.class);

        Health health = graph(simulator.baseUrl(), "simulator", throttle).health();
        // Graph answers, it only asks this node to wait: still UP, with the wait as a detail
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        Instant until = Instant.parse(health.getDetails().get("throttledUntil").toString());
        assertThat(until)
                .isAfter(before.plusSeconds(100))
                .isBefore(Instant.now().plusSeconds(121));
    }

    @Test
    void graphModeCountsAnyHttpAnswerOfTheBaseUrl() {
        // without a token the base URL answers an error, as Microsoft Graph does: reachable is what is checked
        Health health = graph(simulator.baseUrl(), "client-secret").health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("mode", "graph").containsKey("httpStatus");
        assertThat((Integer) health.getDetails().get("httpStatus")).isGreaterThanOrEqualTo(400);
    }

    @Test
    void unreachableGraphIsDown() throws IOException {
        Health health = graph("http://127.0.0.1:" + closedPort() + "/v1.0", "client-secret")
                .health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("error").toString()).contains("cannot reach");
    }

    @Test
    void unreachableKafkaIsDownWithinTheTimeout() throws IOException {
        KafkaHealthIndicator kafka = new KafkaHealthIndicator(
                new KafkaAdmin(Map.of("bootstrap.servers", "127.0.0.1:" + closedPort())), Duration.ofSeconds(1));
        try {
            Instant start = Instant.now();
            Health health = kafka.health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
        } finally {
            kafka.destroy();
        }
    }

    private static GraphHealthIndicator graph(String baseUrl, String auth) {
        return graph(baseUrl, auth, new GraphThrottle());
    }

    private static GraphHealthIndicator graph(String baseUrl, String auth, GraphThrottle throttle) {
        PimProperties properties = new Binder(new MapConfigurationPropertySource(Map.of("pim.graph.auth", auth)))
                .bindOrCreate("pim", PimProperties.class);
        return new GraphHealthIndicator(new GraphEndpoint(baseUrl), properties, throttle, Duration.ofSeconds(2));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
