package dev.pimflow.pim.graph;

import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_UPN;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import dev.pimflow.pim.simulator.GraphHttp;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GraphPimClient#userObjectId} against the simulator over real HTTP: the people ticket systems name (DESIGN 9.2)
 * by object id, user principal name or mail, what each costs, and what it makes of unknown, ambiguous and hostile names.
 */
class GraphPimClientUserLookupTest {

    private static final String BY_ID = "GET /users/{id}?$select";
    private static final String BY_MAIL = "GET /users?$filter&$select&$top";
    private static final String UNKNOWN = "00000000-0000-0000-0000-00000000dead";
    /** Carol: her mail is not her user principal name, as in a tenant with a custom domain. */
    private static final String CAROL_ID = "6f3c1a2b-0000-4000-8000-00000000ca01";

    private static final String CAROL_UPN = "carol@contoso.onmicrosoft.com";
    private static final String CAROL_MAIL = "carol.jones@contoso.com";

    private static GraphSimulator simulator;
    private static GraphPimClient client;
    private static GraphHttp http;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0);
        client = new GraphPimClient(settings(), new SimulatorTokenCredential());
        http = new GraphHttp(simulator.baseUrl());
    }

    private static GraphClientSettings settings() {
        return new GraphClientSettings(
                simulator.baseUrl(), Duration.ofSeconds(5), 2, Duration.ofMillis(20), Duration.ofSeconds(1));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
        simulator.addUser(CAROL_ID, "Carol Jones", CAROL_UPN, CAROL_MAIL);
        simulator.resetRequests();
    }

    @Test
    void anObjectIdIsOneReadById() {
        assertThat(client.userObjectId(ALINE_ID)).contains(ALINE_ID);
        assertThat(client.userObjectId(" " + BOB_ID.toUpperCase(Locale.ROOT) + " "))
                .contains(BOB_ID);
        assertThat(simulator.requests()).containsExactly(entry(BY_ID, 2L));
    }

    @Test
    void aUserPrincipalNameIsOneRead() {
        assertThat(client.userObjectId(ALINE_UPN.toLowerCase(Locale.ROOT))).contains(ALINE_ID);
        assertThat(client.userObjectId(CAROL_UPN)).contains(CAROL_ID);
        assertThat(simulator.requests()).containsExactly(entry(BY_ID, 2L));
    }

    @Test
    void aMailThatIsNoUserPrincipalNameIsFoundByMailAfterTheUserPrincipalNameMisses() {
        assertThat(client.userObjectId(CAROL_MAIL)).contains(CAROL_ID);
        assertThat(simulator.requests()).containsExactly(entry(BY_ID, 1L), entry(BY_MAIL, 1L));
    }

    @Test
    void anUnknownPersonIsEmpty() {
        assertThat(client.userObjectId(UNKNOWN)).isEmpty();
        assertThat(client.userObjectId("nobody@contoso.com")).isEmpty();
        assertThat(simulator.requests()).containsExactly(entry(BY_ID, 2L), entry(BY_MAIL, 1L));
    }

    @Test
    void aMailTwoUsersShareNamesNoOne() {
        simulator.addUser(
                "6f3c1a2b-0000-4000-8000-00000000ca02",
                "Carol Jones (admin)",
                "carol-adm@contoso.onmicrosoft.com",
                CAROL_MAIL.toUpperCase(Locale.ROOT));
        assertThat(client.userObjectId(CAROL_MAIL)).isEmpty();
        // each still has a name that is theirs alone
        assertThat(client.userObjectId(CAROL_UPN)).contains(CAROL_ID);
    }

    @Test
    void aNameThatIsNeitherAnObjectIdNorAnAddressIsEmptyWithoutAsking() {
        for (String name : List.of("x' or 1 eq 1", "aline", "PD-12345", "", "   ")) {
            assertThat(client.userObjectId(name)).as(name).isEmpty();
        }
        assertThat(client.userObjectId(null)).isEmpty();
        assertThat(simulator.requests()).isEmpty();
    }

    @Test
    void quotesInANameStayInsideTheFilterLiteral() {
        // an injection attempt finds no one (unescaped, "or" would leave the literal and the filter fail or widen)
        assertThat(client.userObjectId("x@contoso.com' or 1 eq 1 or mail eq 'y"))
                .isEmpty();
        assertThat(client.userObjectId(ALINE_UPN + "' or mail ne '")).isEmpty();
        // and a real address with a quote in it is found
        simulator.addUser(
                "6f3c1a2b-0000-4000-8000-00000000db01",
                "Dan O'Brien",
                "dan@contoso.onmicrosoft.com",
                "dan.o'brien@contoso.com");
        assertThat(client.userObjectId("dan.o'brien@contoso.com")).contains("6f3c1a2b-0000-4000-8000-00000000db01");
    }

    @Test
    void aDirectoryThatCannotBeAskedIsAPimExceptionNotAnUnknownPerson() {
        http.post("/_simulator/faults", null, "{\"status\":503,\"count\":-1,\"pathContains\":\"/users\"}");
        PimException e = catchThrowableOfType(PimException.class, () -> client.userObjectId(CAROL_MAIL));
        assertThat(e).as("a PimException").isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.RETRY);

        http.delete("/_simulator/faults", null);
        GraphPimClient withoutUserRead = new GraphPimClient(
                settings(),
                new SimulatorTokenCredential().withClaim("roles", List.of("RoleManagement.Read.Directory")));
        PimException denied = catchThrowableOfType(PimException.class, () -> withoutUserRead.userObjectId(ALINE_ID));
        assertThat(denied).as("a PimException").isNotNull();
        assertThat(denied.kind()).isEqualTo(Kind.INCIDENT);
        assertThat(denied.code()).isEqualTo("Authorization_RequestDenied");
    }

    @Test
    void anUnknownPrincipalIsStillSubjectNotFoundNowThatGraphSaysRequestResourceNotFound() {
        PimException e = catchThrowableOfType(PimException.class, () -> client.requirePrincipal(UNKNOWN));
        assertThat(e).as("a PimException").isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.DENY);
        assertThat(e.code()).isEqualTo("SubjectNotFound");
        PimException eligibility = catchThrowableOfType(
                PimException.class, () -> client.eligibility(UNKNOWN, "fe930be7-5e62-47db-91af-98c3a49a38b1", "/"));
        assertThat(eligibility).as("a PimException").isNotNull();
        assertThat(eligibility.code()).isEqualTo("SubjectNotFound");
    }
}
