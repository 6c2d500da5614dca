package dev.pimflow.workflow.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.directory.GraphEndpoint;
import java.io.IOException;
import java.net.ServerSocket;
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
        PimProperties properties = new Binder(new MapConfigurationPropertySource(Map.of("pim.graph.auth", auth)))
                .bindOrCreate("pim", PimProperties.class);
        return new GraphHealthIndicator(new GraphEndpoint(baseUrl), properties, Duration.ofSeconds(2));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
