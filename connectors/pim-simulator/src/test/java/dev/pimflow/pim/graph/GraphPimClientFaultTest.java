package dev.pimflow.pim.graph;

import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.USER_ADMINISTRATOR_ROLE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.AssignmentRequest;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import dev.pimflow.pim.simulator.GraphHttp;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Throttling, outages, timeouts and refusals, injected with the simulator's fault switch. */
class GraphPimClientFaultTest {

    private static GraphSimulator simulator;
    private static GraphHttp http;
    private GraphPimClient client;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0);
        http = new GraphHttp(simulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
        // a client per test: a Retry-After one test received holds back every later call of the same client
        client = new GraphPimClient(
                new GraphClientSettings(
                        simulator.baseUrl(), Duration.ofSeconds(5), 3, Duration.ofMillis(50), Duration.ofSeconds(2)),
                new SimulatorTokenCredential());
    }

    private static void fault(String json) {
        assertThat(http.post("/_simulator/faults", null, json).status()).isEqualTo(201);
    }

    private static int remainingUses() {
        return http.get("/_simulator/faults", null).body().at("/value/0/count").asInt();
    }

    @Test
    void throttledTwiceThenSucceedsAfterRetryAfter() {
        fault(
                "{\"status\":429,\"retryAfterSeconds\":1,\"count\":2,\"pathContains\":\"roleAssignmentScheduleRequests\"}");
        long started = System.nanoTime();
        Assignment a = client.assign(new AssignmentRequest(
                ALINE_ID,
                USER_ADMINISTRATOR_ROLE_ID,
                "/",
                Duration.ofHours(1),
                "incident",
                "CONTOSO:Security-012345",
                "Contoso ICM",
                "act-429"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(a.status()).isEqualTo("Provisioned");
        assertThat(a.adopted()).isFalse();
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void permanentOutageIsRetryAfterMaxAttempts() {
        fault("{\"status\":503,\"count\":10,\"pathContains\":\"roleDefinitions\"}");
        PimException e =
                catchThrowableOfType(PimException.class, () -> client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID));
        assertThat(e.kind()).isEqualTo(Kind.RETRY);
        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("serviceNotAvailable");
        assertThat(remainingUses()).isEqualTo(10 - 3); // exactly maxAttempts calls
    }

    @Test
    void retryAfterLongerThanMaxBackoffIsHandedToTheCaller() {
        fault("{\"status\":429,\"retryAfterSeconds\":30,\"count\":5,\"pathContains\":\"roleDefinitions\"}");
        long started = System.nanoTime();
        PimException e =
                catchThrowableOfType(PimException.class, () -> client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(e.kind()).isEqualTo(Kind.RETRY);
        assertThat(e.code()).isEqualTo("TooManyRequests");
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void forbiddenIsAnIncident() {
        fault("{\"status\":403,\"count\":1,\"pathContains\":\"roleDefinitions\"}");
        PimException e =
                catchThrowableOfType(PimException.class, () -> client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID));
        assertThat(e.kind()).isEqualTo(Kind.INCIDENT);
        assertThat(e.httpStatus()).isEqualTo(403);
        assertThat(remainingUses()).isZero(); // no fault left: the one use was consumed, no retry
    }

    @Test
    void serverErrorIsRetryWithoutInCallRetry() {
        fault("{\"status\":500,\"count\":5,\"pathContains\":\"roleDefinitions\"}");
        PimException e =
                catchThrowableOfType(PimException.class, () -> client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID));
        assertThat(e.kind()).isEqualTo(Kind.RETRY);
        assertThat(e.code()).isEqualTo("generalException");
        assertThat(remainingUses()).isEqualTo(4);
    }

    @Test
    void slowGraphTimesOutAsRetry() {
        fault("{\"delayMillis\":1500,\"count\":-1,\"pathContains\":\"roleDefinitions\"}");
        GraphPimClient impatient = new GraphPimClient(
                new GraphClientSettings(
                        simulator.baseUrl(), Duration.ofMillis(300), 2, Duration.ofMillis(10), Duration.ofMillis(50)),
                new SimulatorTokenCredential());
        PimException e =
                catchThrowableOfType(PimException.class, () -> impatient.roleDefinition(USER_ADMINISTRATOR_ROLE_ID));
        assertThat(e.kind()).isEqualTo(Kind.RETRY);
        assertThat(e.code()).isEqualTo("Timeout");
    }

    @Test
    void rejectedTokenIsRefreshedOnce() {
        fault("{\"status\":401,\"count\":1,\"pathContains\":\"roleDefinitions\"}");
        assertThat(client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID).displayName())
                .isEqualTo("User Administrator");
    }

    @Test
    void connectionRefusedIsRetry() {
        GraphSimulator gone = GraphSimulator.start(0);
        String baseUrl = gone.baseUrl();
        gone.close();
        GraphPimClient lost = new GraphPimClient(
                new GraphClientSettings(
                        baseUrl, Duration.ofSeconds(1), 2, Duration.ofMillis(10), Duration.ofMillis(50)),
                new SimulatorTokenCredential());
        PimException e = catchThrowableOfType(PimException.class, () -> lost.roleAssignments(ALINE_ID));
        assertThat(e.kind()).isEqualTo(Kind.RETRY);
        assertThat(e.code()).isEqualTo("ConnectionFailed");
    }
}
