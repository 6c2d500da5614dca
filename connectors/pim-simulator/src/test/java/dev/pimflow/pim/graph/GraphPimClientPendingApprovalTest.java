package dev.pimflow.pim.graph;

import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.APPROVAL_ROLE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.APPROVER_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.pim.ActiveRoleAssignment;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.AssignmentRequest;
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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code self-activate} mode on a role whose policy requires approval (the seed's Privileged Authentication
 * Administrator, decided by Nora): {@link GraphPimClient#selfActivate} answers PIM's {@code PendingApproval} instead of
 * refusing, {@link GraphPimClient#activationRequest} follows the request to PIM's decision, and {@link
 * GraphPimClient#cancelRequest} withdraws one that still waits. Nora decides through the simulator's {@code
 * roleAssignmentApprovals}, as a person would; the simulator's clock is moved ahead of the test's to let time pass
 * between the request and the decision.
 */
class GraphPimClientPendingApprovalTest {

    private static final String RM = "/roleManagement/directory/";
    private static final Duration ASKED = Duration.ofHours(4);

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
    private GraphPimClient client;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0, clock, 100);
        http = new GraphHttp(simulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        clock.ahead = Duration.ZERO;
        simulator.reset();
        // a client per test (its own throttle); tokens expire against the simulator's clock, so they are minted on it
        client = new GraphPimClient(
                GraphPimClientTest.settings(simulator), new SimulatorTokenCredential().withClock(clock));
    }

    private static AssignmentRequest aline(String activationId) {
        return new AssignmentRequest(
                ALINE_ID,
                APPROVAL_ROLE_ID,
                null,
                ASKED,
                "rotate the break-glass FIDO keys",
                "CONTOSO:Security-7",
                "Contoso ICM",
                activationId);
    }

    /** Aline's delegated token after a sign-in with MFA, as the confirmation page's sign-in obtains it. */
    private static String alineSignedIn() {
        return SimulatorTokenCredential.user(ALINE_ID, "pwd", "mfa")
                .withClock(clock)
                .token();
    }

    private static String nora() {
        return SimulatorTokenCredential.user(APPROVER_ID, "pwd", "mfa")
                .withClock(clock)
                .token();
    }

    @Test
    void selfActivateOnTheApprovalRole_answersPendingApprovalWithTheRequest_andNothingIsActive() {
        Assignment pending = client.selfActivate(aline("act-1"), alineSignedIn());

        assertThat(pending.status()).isEqualTo("PendingApproval");
        assertThat(pending.requestId()).isNotBlank();
        assertThat(pending.startDateTime()).isNull();
        assertThat(pending.endDateTime()).isNull();
        assertThat(pending.adopted()).isFalse();
        assertThat(activeRoles()).doesNotContain(APPROVAL_ROLE_ID);

        // PIM's own record: Aline's selfActivate, waiting for its approval
        JsonNode stored = storedRequest(pending.requestId());
        assertThat(stored.get("action").asText()).isEqualTo("selfActivate");
        assertThat(stored.at("/createdBy/user/id").asText()).isEqualTo(ALINE_ID);
        assertThat(stored.get("approvalId").asText()).isNotBlank();

        Assignment read = client.activationRequest(pending.requestId());
        assertThat(read).isEqualTo(new Assignment(pending.requestId(), "PendingApproval", null, null, false));
    }

    @Test
    void noraApproves_theRequestIsProvisionedFromTheApproval_andTheRoleIsActive() {
        Instant asked = clock.instant();
        Assignment pending = client.selfActivate(aline("act-2"), alineSignedIn());

        clock.ahead = Duration.ofMinutes(30); // Nora decides half an hour later
        decide(pending.requestId(), "Approve");
        Instant approved = clock.instant();

        Assignment read = client.activationRequest(pending.requestId());
        assertThat(read.status()).isEqualTo("Provisioned");
        assertThat(read.requestId()).isEqualTo(pending.requestId());
        assertThat(read.adopted()).isFalse();
        // it runs from the approval, not from the time it was asked, for the duration asked
        assertThat(read.startDateTime())
                .isAfter(asked.plus(Duration.ofMinutes(29)))
                .isCloseTo(approved, within(Duration.ofSeconds(5)));
        assertThat(read.endDateTime()).isEqualTo(read.startDateTime().plus(ASKED));
        assertThat(activeRoles()).contains(APPROVAL_ROLE_ID);
        JsonNode instance = instance();
        assertThat(Instant.parse(instance.get("startDateTime").asText())).isEqualTo(read.startDateTime());
        assertThat(Instant.parse(instance.get("endDateTime").asText())).isEqualTo(read.endDateTime());

        // the same activation sent again (a retry after a crash) adopts the approved request, with the same times
        Assignment again = client.selfActivate(aline("act-2"), alineSignedIn());
        assertThat(again.adopted()).isTrue();
        assertThat(again.requestId()).isEqualTo(pending.requestId());
        assertThat(again.status()).isEqualTo("Provisioned");
        assertThat(again.startDateTime()).isEqualTo(read.startDateTime());
        assertThat(again.endDateTime()).isEqualTo(read.endDateTime());
    }

    @Test
    void noraDenies_theRequestIsDenied_withoutTimes_andNothingIsActive() {
        Assignment pending = client.selfActivate(aline("act-3"), alineSignedIn());

        decide(pending.requestId(), "Deny");

        assertThat(client.activationRequest(pending.requestId()))
                .isEqualTo(new Assignment(pending.requestId(), "Denied", null, null, false));
        assertThat(activeRoles()).doesNotContain(APPROVAL_ROLE_ID);
    }

    @Test
    void aPendingRequestIsCancelled_thenCanceled_andNoraCanNoLongerApproveIt() {
        Assignment pending = client.selfActivate(aline("act-4"), alineSignedIn());

        assertThat(client.cancelRequest(pending.requestId())).isTrue();

        assertThat(client.activationRequest(pending.requestId()))
                .isEqualTo(new Assignment(pending.requestId(), "Canceled", null, null, false));
        GraphHttp.Response late = http.patch(
                stepPath(pending.requestId()), nora(), "{\"reviewResult\":\"Approve\",\"justification\":\"too late\"}");
        assertThat(late.status()).as(String.valueOf(late.body())).isEqualTo(409);
        assertThat(activeRoles()).doesNotContain(APPROVAL_ROLE_ID);
        assertThat(client.cancelRequest(pending.requestId()))
                .as("cancelled already: nothing to cancel")
                .isFalse();
    }

    @Test
    void anApprovedRequestIsNoLongerCancelable_false_andTheRoleStaysActive() {
        Assignment pending = client.selfActivate(aline("act-5"), alineSignedIn());
        decide(pending.requestId(), "Approve");

        assertThat(client.cancelRequest(pending.requestId())).isFalse();

        assertThat(client.activationRequest(pending.requestId()).status()).isEqualTo("Provisioned");
        assertThat(activeRoles()).contains(APPROVAL_ROLE_ID);
    }

    @Test
    void anUnknownRequest_isDeniedRequestNotFound_andHasNothingToCancel() {
        String unknown = "00000000-0000-0000-0000-000000000404";

        PimException e = catchThrowableOfType(PimException.class, () -> client.activationRequest(unknown));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.code()).isEqualTo("RequestNotFound");
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.getMessage()).contains(unknown);
        assertThat(client.cancelRequest(unknown)).isFalse();
    }

    @Test
    void aBlankRequestIdIsRefusedNamingIt() {
        IllegalArgumentException read =
                catchThrowableOfType(IllegalArgumentException.class, () -> client.activationRequest(" "));
        IllegalArgumentException cancel =
                catchThrowableOfType(IllegalArgumentException.class, () -> client.cancelRequest(null));

        assertThat(read.getMessage()).isEqualTo("requestId is required");
        assertThat(cancel.getMessage()).isEqualTo("requestId is required");
    }

    @Test
    void aRetryOfTheSameActivationWhilePimHoldsIt_adoptsThePendingRequest_anotherActivationIsRefused() {
        Assignment first = client.selfActivate(aline("act-6"), alineSignedIn());

        Assignment again = client.selfActivate(aline("act-6"), alineSignedIn());

        assertThat(again).isEqualTo(new Assignment(first.requestId(), "PendingApproval", null, null, true));
        PimException other =
                catchThrowableOfType(PimException.class, () -> client.selfActivate(aline("act-7"), alineSignedIn()));
        assertThat(other).isNotNull();
        assertThat(other.kind()).isEqualTo(Kind.DENY);
        assertThat(other.code()).isEqualTo("PendingRoleAssignmentRequest");
        assertThat(requestsOfAline()).as("no second request was made").hasSize(1);
    }

    @Test
    void readingAndCancellingGoThroughTheSameRetriesAsEveryCall() {
        Assignment pending = client.selfActivate(aline("act-8"), alineSignedIn());
        fault("{\"status\":503,\"count\":1,\"method\":\"GET\",\"pathContains\":\"roleAssignmentScheduleRequests/\"}");
        fault("{\"status\":429,\"retryAfterSeconds\":0,\"count\":1,\"method\":\"POST\",\"pathContains\":\"/cancel\"}");

        assertThat(client.activationRequest(pending.requestId()).status()).isEqualTo("PendingApproval");
        assertThat(client.cancelRequest(pending.requestId())).isTrue();

        assertThat(http.get("/_simulator/faults", null).body().path("value"))
                .as("both faults were answered, and retried")
                .isEmpty();
        assertThat(client.activationRequest(pending.requestId()).status()).isEqualTo("Canceled");
    }

    // ------------------------------------------------------------------ helpers

    /** Nora decides the request's one approval step, with the justification the seeded stage requires. */
    private static void decide(String requestId, String result) {
        GraphHttp.Response r = http.patch(
                stepPath(requestId),
                nora(),
                "{\"reviewResult\":\"" + result + "\",\"justification\":\"ticket CONTOSO:Security-7 checked\"}");
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(204);
    }

    private static String stepPath(String requestId) {
        String approvalId = storedRequest(requestId).get("approvalId").asText();
        GraphHttp.Response approval = http.get(RM + "roleAssignmentApprovals/" + approvalId, nora());
        assertThat(approval.status()).as(String.valueOf(approval.body())).isEqualTo(200);
        return RM + "roleAssignmentApprovals/" + approvalId + "/steps/"
                + approval.body().at("/steps/0/id").asText();
    }

    private static String app() {
        return new SimulatorTokenCredential().withClock(clock).token();
    }

    private static JsonNode storedRequest(String requestId) {
        return http.get(RM + "roleAssignmentScheduleRequests/" + requestId, app())
                .body();
    }

    private static List<JsonNode> requestsOfAline() {
        List<JsonNode> out = new java.util.ArrayList<>();
        http.get(
                        RM + "roleAssignmentScheduleRequests?$filter="
                                + GraphHttp.q("principalId eq '" + ALINE_ID + "' and roleDefinitionId eq '"
                                        + APPROVAL_ROLE_ID + "'"),
                        app())
                .body()
                .get("value")
                .forEach(out::add);
        return out;
    }

    private List<String> activeRoles() {
        return client.roleAssignments(ALINE_ID).stream()
                .map(ActiveRoleAssignment::roleDefinitionId)
                .toList();
    }

    private static JsonNode instance() {
        return http.get(
                        RM + "roleAssignmentScheduleInstances?$filter="
                                + GraphHttp.q("principalId eq '" + ALINE_ID + "' and roleDefinitionId eq '"
                                        + APPROVAL_ROLE_ID + "'"),
                        app())
                .body()
                .at("/value/0");
    }

    private static void fault(String json) {
        assertThat(http.post("/_simulator/faults", null, json).status()).isEqualTo(201);
    }
}
