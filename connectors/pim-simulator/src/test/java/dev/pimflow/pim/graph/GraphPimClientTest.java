package dev.pimflow.pim.graph;

import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.GLOBAL_ADMINISTRATOR_ROLE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.HELPDESK_GROUP_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.USER_ADMINISTRATOR_ROLE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.ActiveRoleAssignment;
import dev.pimflow.pim.Assignment;
import dev.pimflow.pim.AssignmentRequest;
import dev.pimflow.pim.Eligibility;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import dev.pimflow.pim.Removal;
import dev.pimflow.pim.RemovalRequest;
import dev.pimflow.pim.simulator.GraphHttp;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GraphPimClient against the simulator over real HTTP: the tutorial tenant's story, end to end. */
class GraphPimClientTest {

    private static final String TICKET = "CONTOSO:Security-012345";
    private static final String TICKET_SYSTEM = "Contoso ICM";
    private static final String JUSTIFICATION = "Need to invalidate all app refresh tokens for Contoso users.";

    private static GraphSimulator simulator;
    private static GraphPimClient client;
    private static GraphHttp http;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0);
        client = new GraphPimClient(settings(), new SimulatorTokenCredential());
        http = new GraphHttp(simulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    static GraphClientSettings settings() {
        return settings(simulator);
    }

    static GraphClientSettings settings(GraphSimulator simulator) {
        return new GraphClientSettings(
                simulator.baseUrl(), Duration.ofSeconds(5), 3, Duration.ofMillis(50), Duration.ofSeconds(2));
    }

    private static AssignmentRequest aline(Duration duration, String activationId) {
        return new AssignmentRequest(
                ALINE_ID,
                USER_ADMINISTRATOR_ROLE_ID,
                "/",
                duration,
                JUSTIFICATION,
                TICKET,
                TICKET_SYSTEM,
                activationId);
    }

    @Test
    void seedStory_eligibleThroughGroup_assignAdoptRemove() {
        assertThat(client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID).displayName())
                .isEqualTo("User Administrator");

        Eligibility eligibility = client.eligibility(ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, "/");
        assertThat(eligibility).isEqualTo(new Eligibility(true, HELPDESK_GROUP_ID, "IT Helpdesk (User)"));
        assertThat(client.eligibility(BOB_ID, USER_ADMINISTRATOR_ROLE_ID, "/").eligible())
                .isFalse();
        // tenant-wide eligibility covers a narrower scope
        assertThat(client.eligibility(ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, "/administrativeUnits/eu")
                        .eligible())
                .isTrue();

        ActivationPolicy policy = client.activationPolicy(USER_ADMINISTRATOR_ROLE_ID);
        assertThat(policy).isEqualTo(new ActivationPolicy(Duration.ofHours(8), true, true, true, true));

        Assignment assignment = client.assign(aline(Duration.ofHours(5), "act-1"));
        assertThat(assignment.status()).isEqualTo("Provisioned");
        assertThat(assignment.adopted()).isFalse();
        assertThat(assignment.requestId()).isNotBlank();
        assertThat(assignment.startDateTime())
                .isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(Duration.ofMinutes(1)));
        assertThat(assignment.endDateTime())
                .isEqualTo(assignment.startDateTime().plus(Duration.ofHours(5)));

        List<ActiveRoleAssignment> active = client.roleAssignments(ALINE_ID);
        assertThat(active).singleElement().satisfies(a -> {
            assertThat(a.principalId()).isEqualTo(ALINE_ID);
            assertThat(a.roleDefinitionId()).isEqualTo(USER_ADMINISTRATOR_ROLE_ID);
            assertThat(a.directoryScopeId()).isEqualTo("/");
        });

        // what Graph stored: the marker in the justification, the ticket, adminAssign by the app
        JsonNode stored = http.get(
                        "/roleManagement/directory/roleAssignmentScheduleRequests/" + assignment.requestId(),
                        new SimulatorTokenCredential().token())
                .body();
        assertThat(stored.get("justification").asText()).isEqualTo(JUSTIFICATION + " [pimflow activation act-1]");
        assertThat(stored.at("/ticketInfo/ticketNumber").asText()).isEqualTo(TICKET);
        assertThat(stored.at("/ticketInfo/ticketSystem").asText()).isEqualTo(TICKET_SYSTEM);
        assertThat(stored.get("action").asText()).isEqualTo("adminAssign");
        assertThat(stored.at("/createdBy/application/id").asText()).isEqualTo(SimulatorTokenCredential.APP_ID);

        // a retry of the same activation (crash between the Graph call and the commit) adopts the earlier request
        Assignment again = client.assign(aline(Duration.ofHours(5), "act-1"));
        assertThat(again.adopted()).isTrue();
        assertThat(again.requestId()).isEqualTo(assignment.requestId());
        assertThat(again.endDateTime()).isEqualTo(assignment.endDateTime());

        // another activation for the same live assignment is refused
        PimException exists =
                catchThrowableOfType(PimException.class, () -> client.assign(aline(Duration.ofHours(5), "act-2")));
        assertThat(exists.kind()).isEqualTo(Kind.DENY);
        assertThat(exists.code()).isEqualTo("RoleAssignmentExists");
        assertThat(exists.httpStatus()).isEqualTo(400);

        RemovalRequest removal =
                new RemovalRequest(ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, "/", "ticket closed", TICKET, TICKET_SYSTEM);
        Removal removed = client.remove(removal);
        assertThat(removed.removed()).isTrue();
        assertThat(removed.requestId()).isNotBlank();
        assertThat(client.remove(removal)).isEqualTo(new Removal(null, false));
        assertThat(client.roleAssignments(ALINE_ID)).isEmpty();
    }

    @Test
    void defaultPolicyOfOtherRoles() {
        assertThat(client.activationPolicy(GLOBAL_ADMINISTRATOR_ROLE_ID))
                .isEqualTo(new ActivationPolicy(Duration.ofHours(8), true, true, false, true));
    }

    @Test
    void policyFailureIsDeniedWithTheRuleName() {
        PimException e =
                catchThrowableOfType(PimException.class, () -> client.assign(aline(Duration.ofDays(200), "act-3")));
        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.code()).isEqualTo("RoleAssignmentRequestPolicyValidationFailed");
        assertThat(e.getMessage()).isEqualTo("RoleAssignmentRequestPolicyValidationFailed: ExpirationRule");
        assertThat(client.roleAssignments(ALINE_ID)).isEmpty();
    }

    @Test
    void unknownRoleIsDenied() {
        String unknown = "00000000-0000-0000-0000-000000000001";
        PimException byLookup = catchThrowableOfType(PimException.class, () -> client.roleDefinition(unknown));
        assertThat(byLookup.kind()).isEqualTo(Kind.DENY);
        assertThat(byLookup.code()).isEqualTo("RoleNotFound");

        PimException byAssign = catchThrowableOfType(
                PimException.class,
                () -> client.assign(
                        new AssignmentRequest(ALINE_ID, unknown, "/", Duration.ofHours(1), "j", "T-1", "S", "act-4")));
        assertThat(byAssign.kind()).isEqualTo(Kind.DENY);
        assertThat(byAssign.code()).isEqualTo("RoleNotFound");

        PimException byPolicy = catchThrowableOfType(PimException.class, () -> client.activationPolicy(unknown));
        assertThat(byPolicy.kind()).isEqualTo(Kind.DENY);
        assertThat(byPolicy.code()).isEqualTo("RoleNotFound");
    }

    @Test
    void unknownSubjectIsDenied() {
        PimException e = catchThrowableOfType(
                PimException.class,
                () -> client.eligibility("00000000-0000-0000-0000-0000000000aa", USER_ADMINISTRATOR_ROLE_ID, "/"));
        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.code()).isEqualTo("SubjectNotFound");
    }

    @Test
    void missingPermissionIsAnIncident() {
        GraphPimClient underPrivileged = new GraphPimClient(
                settings(), new SimulatorTokenCredential().withClaim("roles", List.of("User.Read.All")));
        PimException e = catchThrowableOfType(
                PimException.class, () -> underPrivileged.activationPolicy(USER_ADMINISTRATOR_ROLE_ID));
        assertThat(e.kind()).isEqualTo(Kind.INCIDENT);
        assertThat(e.httpStatus()).isEqualTo(403);
        assertThat(e.code()).isEqualTo("PermissionScopeNotGranted");
    }
}
