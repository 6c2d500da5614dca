package dev.pimflow.pim.graph;

import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.APPROVAL_ROLE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.AssignmentRequest;
import dev.pimflow.pim.ExtensionRequest;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import dev.pimflow.pim.simulator.GraphHttp;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GraphPimClient#extend}: an {@code adminExtend} of the assignment an activation made, from its original start
 * to the new end, adopted when retried, refused with PIM's code. The approval role's active assignments last at most a
 * day (its seeded {@code Expiration_Admin_Assignment}); the simulator's clock is moved ahead of the test's.
 */
class GraphPimClientExtendTest {

    private static final String RM = "/roleManagement/directory/";

    /** The simulator's time: now plus an offset the test moves. */
    private static final class AheadClock extends Clock {
        volatile Duration ahead = Duration.ZERO;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(ahead);
        }
    }

    private static final AheadClock clock = new AheadClock();
    private static GraphSimulator simulator;
    private static GraphHttp http;
    private static GraphPimClient client;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0, clock, 100);
        http = new GraphHttp(simulator.baseUrl());
        // tokens expire against the simulator's clock, so they are minted on it
        client = new GraphPimClient(
                GraphPimClientTest.settings(simulator), new SimulatorTokenCredential().withClock(clock));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        clock.ahead = Duration.ZERO;
        simulator.reset();
    }

    private static Assignment activate(String activationId) {
        return client.assign(new AssignmentRequest(
                ALINE_ID,
                APPROVAL_ROLE_ID,
                "/",
                Duration.ofHours(12),
                "rotate the break-glass FIDO keys",
                "T-7",
                "ICM",
                activationId));
    }

    private static ExtensionRequest extension(Assignment a, Instant newEnd, String activationId, int round) {
        return new ExtensionRequest(
                ALINE_ID,
                APPROVAL_ROLE_ID,
                "/",
                a.startDateTime(),
                newEnd,
                "still rotating",
                "T-7",
                "ICM",
                activationId,
                round);
    }

    private static List<JsonNode> extendRequests() {
        List<JsonNode> out = new ArrayList<>();
        http.get(
                        RM + "roleAssignmentScheduleRequests",
                        new SimulatorTokenCredential().withClock(clock).token())
                .body()
                .get("value")
                .forEach(r -> {
                    if (r.get("action").asText().equals("adminExtend")) {
                        out.add(r);
                    }
                });
        return out;
    }

    @Test
    void anExtensionKeepsTheStartAndSetsTheNewEnd_aRetryAdoptsIt() {
        Assignment a = activate("act-1");
        // sent to the second, as every time pimflow sends
        Instant newEnd = a.startDateTime().plus(Duration.ofHours(20)).truncatedTo(ChronoUnit.SECONDS);

        Assignment extended = client.extend(extension(a, newEnd, "act-1", 1));
        assertThat(extended.status()).isEqualTo("Provisioned");
        assertThat(extended.adopted()).isFalse();
        assertThat(extended.startDateTime()).isEqualTo(a.startDateTime());
        assertThat(extended.endDateTime()).isEqualTo(newEnd);

        JsonNode stored = extendRequests().get(0);
        assertThat(stored.get("justification").asText())
                .isEqualTo("still rotating" + GraphPimClient.extensionMarker("act-1", 1));
        assertThat(stored.at("/scheduleInfo/expiration/type").asText()).isEqualTo("afterDateTime");
        assertThat(stored.at("/ticketInfo/ticketNumber").asText()).isEqualTo("T-7");
        assertThat(stored.at("/createdBy/application/id").asText()).isEqualTo(SimulatorTokenCredential.APP_ID);
        JsonNode instance = http.get(
                        RM + "roleAssignmentScheduleInstances?$filter="
                                + GraphHttp.q("principalId eq '" + ALINE_ID + "' and roleDefinitionId eq '"
                                        + APPROVAL_ROLE_ID + "'"),
                        new SimulatorTokenCredential().withClock(clock).token())
                .body()
                .at("/value/0");
        assertThat(Instant.parse(instance.get("endDateTime").asText())).isEqualTo(newEnd);

        // the same extension again (a retry after a crash): adopted, not sent twice
        Assignment again = client.extend(extension(a, newEnd, "act-1", 1));
        assertThat(again.adopted()).isTrue();
        assertThat(again.requestId()).isEqualTo(extended.requestId());
        assertThat(again.endDateTime()).isEqualTo(newEnd);
        assertThat(extendRequests()).hasSize(1);

        // the next round is an extension of its own
        Assignment second = client.extend(extension(a, newEnd.plus(Duration.ofHours(2)), "act-1", 2));
        assertThat(second.adopted()).isFalse();
        assertThat(second.requestId()).isNotEqualTo(extended.requestId());
        assertThat(extendRequests()).hasSize(2);
        // and the activation's own retry still adopts its adminAssign, not an extension
        Assignment activationAgain = activate("act-1");
        assertThat(activationAgain.adopted()).isTrue();
        assertThat(activationAgain.requestId()).isEqualTo(a.requestId());
    }

    @Test
    void beyondTheMaximumCountedFromTheStart_isDeniedWithExpirationRule() {
        Assignment a = activate("act-2");
        clock.ahead = Duration.ofHours(10);
        // 20 hours from the simulator's now would fit in the day; from the start it is 30 hours
        Instant newEnd = a.startDateTime().plus(Duration.ofHours(30));
        PimException e =
                catchThrowableOfType(PimException.class, () -> client.extend(extension(a, newEnd, "act-2", 1)));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.code()).isEqualTo("RoleAssignmentRequestPolicyValidationFailed");
        assertThat(e.getMessage()).isEqualTo("RoleAssignmentRequestPolicyValidationFailed: ExpirationRule");
        assertThat(extendRequests()).isEmpty();
    }

    @Test
    void nothingToExtend_isDeniedWithRoleAssignmentDoesNotExist() {
        Assignment a = activate("act-3");
        ExtensionRequest bobs = new ExtensionRequest(
                BOB_ID,
                APPROVAL_ROLE_ID,
                "/",
                a.startDateTime(),
                a.startDateTime().plus(Duration.ofHours(13)),
                "j",
                "T-7",
                "ICM",
                "act-3",
                1);
        PimException e = catchThrowableOfType(PimException.class, () -> client.extend(bobs));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.code()).isEqualTo("RoleAssignmentDoesNotExist");
        assertThat(e.getMessage()).contains(BOB_ID);
    }

    @Test
    void anEndNotAfterTheStart_orNoRound_isRefusedBeforeAsking() {
        Assignment a = activate("act-4");
        simulator.resetRequests();
        assertThat(catchThrowableOfType(
                        IllegalArgumentException.class,
                        () -> client.extend(extension(a, a.startDateTime(), "act-4", 1))))
                .isNotNull();
        assertThat(catchThrowableOfType(
                        IllegalArgumentException.class,
                        () -> client.extend(extension(a, a.startDateTime().plus(Duration.ofHours(13)), "act-4", 0))))
                .isNotNull();
        assertThat(simulator.requests()).isEmpty();
    }
}
