package dev.pimflow.pim.graph;

import static dev.pimflow.pim.simulator.ContosoTenant.ADMIN_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.USER_ADMINISTRATOR_ROLE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code pim.activation.mode=self-activate} (DESIGN 9.1): the seed's own {@code selfActivate}, sent as the signed-in
 * person with the delegated token their sign-in obtained, against the simulator, which checks such tokens as PIM does
 * (the caller is the principal, {@code MfaRule}, {@code acrs}, eligibility through groups).
 */
class GraphPimClientSelfActivateTest {

    private static final String TICKET = "CONTOSO:Security-012345";
    private static final String TICKET_SYSTEM = "Contoso ICM";
    private static final String JUSTIFICATION = "Need to invalidate all app refresh tokens for Contoso users.";
    private static final String RM = "/roleManagement/directory/";
    private static final int COUNTER = 1000;

    private static GraphSimulator simulator;
    private static GraphHttp http;
    private GraphThrottle throttle;
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
        // a client per test: a Retry-After one test received holds back every later call of the same throttle
        throttle = new GraphThrottle();
        client = new GraphPimClient(
                new GraphClientSettings(
                        simulator.baseUrl(), Duration.ofSeconds(5), 3, Duration.ofMillis(50), Duration.ofSeconds(2)),
                new SimulatorTokenCredential(),
                GraphPimClient.DEFAULT_SCOPE,
                throttle);
    }

    private static AssignmentRequest aline(String activationId) {
        return new AssignmentRequest(
                ALINE_ID,
                USER_ADMINISTRATOR_ROLE_ID,
                null,
                Duration.ofHours(5),
                JUSTIFICATION,
                TICKET,
                TICKET_SYSTEM,
                activationId);
    }

    /** Aline's token after a sign-in with MFA, as the orchestrator's OIDC sign-in would obtain it. */
    private static String alineSignedIn() {
        return SimulatorTokenCredential.user(ALINE_ID, "pwd", "mfa").token();
    }

    @Test
    void alineActivatesHerOwnRoleWithTheTicket_asTheTutorialDoes() {
        Assignment a = client.selfActivate(aline("act-1"), alineSignedIn());

        assertThat(a.status()).isEqualTo("Provisioned");
        assertThat(a.adopted()).isFalse();
        assertThat(a.startDateTime()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
        assertThat(a.endDateTime()).isEqualTo(a.startDateTime().plus(Duration.ofHours(5)));
        assertThat(client.roleAssignments(ALINE_ID))
                .singleElement()
                .satisfies(r -> assertThat(r.roleDefinitionId()).isEqualTo(USER_ADMINISTRATOR_ROLE_ID));

        // PIM's own record: Aline's self-activation (not the app's assignment), with the ticket and our marker
        JsonNode stored = storedRequest(a.requestId());
        assertThat(stored.get("action").asText()).isEqualTo("selfActivate");
        assertThat(stored.at("/createdBy/user/id").asText()).isEqualTo(ALINE_ID);
        assertThat(stored.at("/createdBy/application").isNull()).isTrue();
        assertThat(stored.get("principalId").asText()).isEqualTo(ALINE_ID);
        assertThat(stored.get("directoryScopeId").asText()).isEqualTo("/");
        assertThat(stored.get("justification").asText())
                .isEqualTo(JUSTIFICATION + GraphPimClient.activationMarker("act-1"));
        assertThat(stored.at("/ticketInfo/ticketNumber").asText()).isEqualTo(TICKET);
        assertThat(stored.at("/ticketInfo/ticketSystem").asText()).isEqualTo(TICKET_SYSTEM);
        assertThat(stored.at("/scheduleInfo/expiration/type").asText()).isEqualTo("afterDuration");
        assertThat(stored.at("/scheduleInfo/expiration/duration").asText()).isEqualTo("PT5H");
    }

    @Test
    void aSignInWithoutMfaIsDeniedWithMfaRule() {
        String passwordOnly = SimulatorTokenCredential.user(ALINE_ID, "pwd").token();

        PimException e =
                catchThrowableOfType(PimException.class, () -> client.selfActivate(aline("act-2"), passwordOnly));

        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.code()).isEqualTo("RoleAssignmentRequestPolicyValidationFailed");
        assertThat(e.getMessage()).isEqualTo("RoleAssignmentRequestPolicyValidationFailed: MfaRule");
        assertThat(client.roleAssignments(ALINE_ID)).isEmpty();
    }

    @Test
    void someoneElsesTokenCannotActivateAlinesRole() {
        String bob = SimulatorTokenCredential.user(BOB_ID, "pwd", "mfa").token();

        PimException e = catchThrowableOfType(PimException.class, () -> client.selfActivate(aline("act-3"), bob));

        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.code()).isEqualTo("InvalidRoleAssignmentRequest");
        assertThat(e.getMessage()).contains("principalId must be the signed-in user");
        assertThat(client.roleAssignments(ALINE_ID)).isEmpty();
        assertThat(client.roleAssignments(BOB_ID)).isEmpty();
    }

    @Test
    void theAuthenticationContextThePolicyNamesIsReportedAndRequired() {
        assertThat(client.activationPolicy(USER_ADMINISTRATOR_ROLE_ID).authenticationContext())
                .isNull();
        patchRule(
                "AuthenticationContext_EndUser_Assignment",
                "{\"@odata.type\":\"#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule\","
                        + "\"id\":\"AuthenticationContext_EndUser_Assignment\",\"isEnabled\":false,\"claimValue\":\"c1\"}");
        assertThat(client.activationPolicy(USER_ADMINISTRATOR_ROLE_ID).authenticationContext())
                .as("a context named by a disabled rule is not required")
                .isNull();
        patchRule(
                "AuthenticationContext_EndUser_Assignment",
                "{\"@odata.type\":\"#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule\","
                        + "\"id\":\"AuthenticationContext_EndUser_Assignment\",\"isEnabled\":true,\"claimValue\":\"c1\"}");
        assertThat(client.activationPolicy(USER_ADMINISTRATOR_ROLE_ID).authenticationContext())
                .isEqualTo("c1");

        PimException e =
                catchThrowableOfType(PimException.class, () -> client.selfActivate(aline("act-4"), alineSignedIn()));
        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.code()).isEqualTo("RoleAssignmentRequestAcrsValidationFailed");
        assertThat(e.getMessage())
                .isEqualTo("RoleAssignmentRequestAcrsValidationFailed: the role's policy requires authentication "
                        + "context c1 (acrs), which the token does not carry");
        assertThat(client.roleAssignments(ALINE_ID)).isEmpty();

        String withContext = SimulatorTokenCredential.user(ALINE_ID, "pwd", "mfa")
                .withClaim("acrs", List.of("c1"))
                .token();
        assertThat(client.selfActivate(aline("act-4"), withContext).status()).isEqualTo("Provisioned");
    }

    @Test
    void anExpiredTokenIsDeniedAndNotTriedAgain() {
        String expired = SimulatorTokenCredential.user(ALINE_ID, "pwd", "mfa")
                .withClock(Clock.offset(Clock.systemUTC(), Duration.ofHours(-2)))
                .token();
        countPosts();

        PimException e = catchThrowableOfType(PimException.class, () -> client.selfActivate(aline("act-5"), expired));

        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.code()).isEqualTo("DelegatedTokenRejected");
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage())
                .contains("refused the signed-in person's access token")
                .contains("the token is expired")
                .contains("must sign in again");
        assertThat(postsReceived())
                .as("a delegated token is not refreshed and sent again")
                .isEqualTo(1);
        assertThat(client.roleAssignments(ALINE_ID)).isEmpty();
    }

    @Test
    void aRetryOfTheSameActivationAdoptsTheEarlierSelfActivation() {
        String token = alineSignedIn();
        Assignment first = client.selfActivate(aline("act-6"), token);

        // the orchestrator crashed before it recorded the answer: the job sends the same activation again
        Assignment again = client.selfActivate(aline("act-6"), alineSignedIn());

        assertThat(again.adopted()).isTrue();
        assertThat(again.requestId()).isEqualTo(first.requestId());
        assertThat(again.endDateTime()).isEqualTo(first.endDateTime());

        // another activation of the same live assignment is refused, not adopted
        PimException other = catchThrowableOfType(PimException.class, () -> client.selfActivate(aline("act-7"), token));
        assertThat(other.kind()).isEqualTo(Kind.DENY);
        assertThat(other.code()).isEqualTo("RoleAssignmentExists");
    }

    @Test
    void aServiceUnavailableIsRetriedInCallWithTheSameToken() {
        fault("{\"status\":503,\"count\":1,\"method\":\"POST\",\"pathContains\":\"roleAssignmentScheduleRequests\"}");

        Assignment a = client.selfActivate(aline("act-8"), alineSignedIn());

        assertThat(a.status()).isEqualTo("Provisioned");
        assertThat(storedRequest(a.requestId()).at("/createdBy/user/id").asText())
                .isEqualTo(ALINE_ID);
        assertThat(http.get("/_simulator/faults", null).body().path("value"))
                .as("the 503 was answered")
                .isEmpty();
        assertThat(throttle.requests(GraphThrottle.RequestKind.WRITE)).isEqualTo(2);
    }

    @Test
    void theNodesThrottleHoldsSelfActivationsBackToo() {
        throttle.throttle(Duration.ofSeconds(60)); // Graph told this node to wait a minute
        countPosts();

        PimException e =
                catchThrowableOfType(PimException.class, () -> client.selfActivate(aline("act-9"), alineSignedIn()));

        assertThat(e.kind()).isEqualTo(Kind.RETRY);
        assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60));
        assertThat(postsReceived()).as("nothing sent while Graph says wait").isZero();
    }

    @Test
    void aRoleThatNeedsApprovalAnswersPendingApprovalWhenPimHoldsTheRequest() {
        patchRule(
                "Approval_EndUser_Assignment",
                "{\"@odata.type\":\"#microsoft.graph.unifiedRoleManagementPolicyApprovalRule\",\"id\":\"Approval_EndUser_Assignment\","
                        + "\"setting\":{\"isApprovalRequired\":true,\"approvalMode\":\"SingleStage\",\"approvalStages\":[]}}");

        Assignment a = client.selfActivate(aline("act-10"), alineSignedIn());

        assertThat(a.status()).isEqualTo("PendingApproval");
        assertThat(a.requestId()).isNotBlank();
        assertThat(a.startDateTime()).isNull();
        assertThat(a.endDateTime()).isNull();
        assertThat(a.adopted()).isFalse();
        assertThat(storedRequest(a.requestId()).get("status").asText()).isEqualTo("PendingApproval");
        assertThat(client.roleAssignments(ALINE_ID)).isEmpty();
    }

    @Test
    void aTokenThatIsNotABearerTokenIsRefusedWithoutRepeatingIt() {
        String broken = alineSignedIn() + "\r\nX-Injected: 1";

        IllegalArgumentException e = catchThrowableOfType(
                IllegalArgumentException.class, () -> client.selfActivate(aline("act-11"), broken));
        IllegalArgumentException blank =
                catchThrowableOfType(IllegalArgumentException.class, () -> client.selfActivate(aline("act-11"), " "));

        assertThat(e.getMessage())
                .startsWith("delegatedAccessToken is not a bearer token")
                .doesNotContain("eyJ");
        assertThat(blank.getMessage()).isEqualTo("delegatedAccessToken is required");
    }

    @Test
    void theDelegatedTokenNeverReachesTheLogNorAnErrorMessage() {
        Logger root = (Logger) LoggerFactory.getLogger("dev.pimflow");
        Level before = root.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
        List<String> tokens = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        try {
            fault("{\"status\":503,\"count\":1,\"method\":\"POST\"}");
            tokens.add(alineSignedIn());
            client.selfActivate(aline("act-12"), tokens.get(0)); // a 503 (WARN), then 201 (DEBUG)
            tokens.add(alineSignedIn());
            client.selfActivate(aline("act-12"), tokens.get(1)); // RoleAssignmentExists (WARN), adopted (INFO)
            tokens.add(SimulatorTokenCredential.user(ALINE_ID, "pwd")
                    .withClock(Clock.offset(Clock.systemUTC(), Duration.ofHours(-2)))
                    .token());
            failures.add(catchThrowableOfType(
                    PimException.class, () -> client.selfActivate(aline("act-13"), tokens.get(2)))); // 401
            tokens.add(SimulatorTokenCredential.user(ALINE_ID, "pwd").token());
            failures.add(catchThrowableOfType(
                    PimException.class, () -> client.selfActivate(aline("act-14"), tokens.get(3)))); // MfaRule
        } finally {
            root.detachAppender(appender);
            root.setLevel(before);
        }
        assertThat(failures).doesNotContainNull();

        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : appender.list) {
            lines.add(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getMessage());
            }
        }
        for (Throwable failure : failures) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                lines.add(t.getMessage());
            }
        }
        assertThat(lines)
                .as("the calls were logged")
                .anySatisfy(l -> assertThat(l)
                        .contains("POST /v1.0/roleManagement/directory/roleAssignmentScheduleRequests -> 503"))
                .anySatisfy(l -> assertThat(l).contains("-> 401 InvalidAuthenticationToken"));
        for (String token : tokens) {
            String payload = token.split("\\.")[1];
            assertThat(lines)
                    .noneSatisfy(l ->
                            assertThat(l).containsAnyOf(token, payload.substring(0, 40), "Bearer", "Authorization"));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode storedRequest(String requestId) {
        return http.get(RM + "roleAssignmentScheduleRequests/" + requestId, new SimulatorTokenCredential().token())
                .body();
    }

    /** PATCHes one rule of the User Administrator policy, as a Global Administrator would. */
    private static void patchRule(String ruleId, String json) {
        String admin = SimulatorTokenCredential.user(ADMIN_ID, "pwd", "mfa").token();
        String policyId = http.get(
                        "/policies/roleManagementPolicyAssignments?$filter="
                                + GraphHttp.q(
                                        "scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '"
                                                + USER_ADMINISTRATOR_ROLE_ID + "'"),
                        admin)
                .body()
                .at("/value/0/policyId")
                .asText();
        assertThat(http.patch("/policies/roleManagementPolicies/" + policyId + "/rules/" + ruleId, admin, json)
                        .status())
                .isEqualTo(204);
    }

    private static void fault(String json) {
        assertThat(http.post("/_simulator/faults", null, json).status()).isEqualTo(201);
    }

    /** Armed after any fault under test: counts the POSTs that reach the simulator, whatever it answers. */
    private static void countPosts() {
        fault("{\"delayMillis\":1,\"count\":" + COUNTER + ",\"method\":\"POST\"}");
    }

    private static int postsReceived() {
        JsonNode faults = http.get("/_simulator/faults", null).body().path("value");
        assertThat(faults.size()).as("only the counter is left: %s", faults).isEqualTo(1);
        return COUNTER - faults.get(0).path("count").asInt();
    }
}
