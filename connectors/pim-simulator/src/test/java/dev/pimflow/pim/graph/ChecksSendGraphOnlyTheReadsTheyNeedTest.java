package dev.pimflow.pim.graph;

import static dev.pimflow.pim.simulator.ContosoTenant.ADMIN_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.HELPDESK_GROUP_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.USER_ADMINISTRATOR_ROLE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import dev.pimflow.pim.Eligibility;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.simulator.GraphHttp;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the client's checks cost of Graph's read quota, counted by the simulator per endpoint: whether a principal
 * exists is one read; eligibility is one read for a principal eligible in its own right, and only a principal who is not
 * reads its groups ({@code transitiveMemberOf}, where an unknown principal is still {@code SubjectNotFound}) and then one
 * group's eligibility per role-assignable group until one covers the role.
 */
class ChecksSendGraphOnlyTheReadsTheyNeedTest {

    private static final String MEMBER_OF = "GET /users/{id}/transitiveMemberOf";
    private static final String ONE_MEMBERSHIP = MEMBER_OF + "?$select&$top";
    private static final String ELIGIBILITY = "GET /roleManagement/directory/roleEligibilityScheduleInstances?$filter";
    private static final String UNKNOWN = "00000000-0000-0000-0000-00000000dead";

    private static GraphSimulator simulator;
    private static GraphPimClient client;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0);
        client = new GraphPimClient(
                new GraphClientSettings(
                        simulator.baseUrl(), Duration.ofSeconds(5), 3, Duration.ofMillis(50), Duration.ofSeconds(2)),
                new SimulatorTokenCredential());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    @Test
    void whetherAPrincipalExistsIsOneRead() {
        client.requirePrincipal(ALINE_ID);
        assertThat(simulator.requests()).containsExactly(entry(ONE_MEMBERSHIP, 1L));

        simulator.resetRequests();
        client.requirePrincipal(BOB_ID); // eligible for nothing, but known
        assertThat(simulator.requests()).containsExactly(entry(ONE_MEMBERSHIP, 1L));
    }

    @Test
    void anUnknownPrincipalIsSubjectNotFoundAfterOneRead() {
        PimException e = catchThrowableOfType(PimException.class, () -> client.requirePrincipal(UNKNOWN));
        assertThat(e).as("a PimException").isNotNull();
        assertThat(e.kind()).isEqualTo(PimException.Kind.DENY);
        assertThat(e.code()).isEqualTo("SubjectNotFound");
        assertThat(simulator.requests()).containsExactly(entry(ONE_MEMBERSHIP, 1L));
    }

    @Test
    void aPrincipalEligibleInItsOwnRightIsOneRead() {
        makeDirectlyEligible(BOB_ID);
        simulator.resetRequests();

        assertThat(client.eligibility(BOB_ID, USER_ADMINISTRATOR_ROLE_ID, "/"))
                .isEqualTo(new Eligibility(true, Eligibility.DIRECT, null));
        assertThat(simulator.requests()).containsExactly(entry(ELIGIBILITY, 1L));
    }

    @Test
    void aPrincipalEligibleThroughAGroupIsItsOwnEligibilityItsGroupsAndTheGroupsEligibility() {
        assertThat(client.eligibility(ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, "/"))
                .isEqualTo(new Eligibility(true, HELPDESK_GROUP_ID, "IT Helpdesk (User)"));
        assertThat(simulator.requests()).containsExactly(entry(ELIGIBILITY, 2L), entry(MEMBER_OF, 1L));
    }

    @Test
    void anUnknownPrincipalIsStillSubjectNotFoundAtEligibility() {
        PimException e = catchThrowableOfType(
                PimException.class, () -> client.eligibility(UNKNOWN, USER_ADMINISTRATOR_ROLE_ID, "/"));
        assertThat(e).as("a PimException").isNotNull();
        assertThat(e.kind()).isEqualTo(PimException.Kind.DENY);
        assertThat(e.code()).isEqualTo("SubjectNotFound");
        assertThat(simulator.requests()).containsExactly(entry(ELIGIBILITY, 1L), entry(MEMBER_OF, 1L));
    }

    @Test
    void aPrincipalEligibleForNothingIsNotEligibleAfterItsOwnEligibilityAndItsGroups() {
        assertThat(client.eligibility(BOB_ID, USER_ADMINISTRATOR_ROLE_ID, "/").eligible())
                .isFalse();
        assertThat(simulator.requests()).containsExactly(entry(ELIGIBILITY, 1L), entry(MEMBER_OF, 1L));
    }

    /** An eligibility of the principal's own for User Administrator, tenant-wide, granted by the tenant's administrator. */
    private static void makeDirectlyEligible(String principal) {
        String admin = SimulatorTokenCredential.user(ADMIN_ID, "pwd", "mfa").token();
        String body = "{\"action\":\"adminAssign\",\"justification\":\"on call\",\"roleDefinitionId\":\""
                + USER_ADMINISTRATOR_ROLE_ID + "\",\"directoryScopeId\":\"/\",\"principalId\":\"" + principal
                + "\",\"scheduleInfo\":{\"startDateTime\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "\",\"expiration\":{\"type\":\"afterDuration\",\"duration\":\"P30D\"}}}";
        assertThat(new GraphHttp(simulator.baseUrl())
                        .post("/roleManagement/directory/roleEligibilityScheduleRequests", admin, body)
                        .status())
                .isEqualTo(201);
    }
}
