package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.ContosoTenant.ADMIN_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.ADMIN_UPN;
import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_UPN;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.BOB_UPN;
import static dev.pimflow.pim.simulator.ContosoTenant.HELPDESK_GROUP_ID;
import static dev.pimflow.pim.simulator.GraphHttp.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finding users as ticket systems name them (DESIGN 9.2): by object id or user principal name, by {@code $filter} on
 * {@code mail} or {@code userPrincipalName}, with {@code $select}; an unknown directory object is 404
 * {@code Request_ResourceNotFound} on every user and group route; {@code User.ReadBasic.All} is enough for the lookups.
 */
class UserLookupRoutesTest {

    private static final String CONTEXT = "https://graph.microsoft.com/v1.0/$metadata#";
    private static final String UNKNOWN = "00000000-0000-0000-0000-00000000dead";

    private static GraphSimulator simulator;
    private static GraphHttp http;
    private static String app;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start(0);
        http = new GraphHttp(simulator.baseUrl());
        app = new SimulatorTokenCredential().token();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    private static String appWith(String... roles) {
        return new SimulatorTokenCredential().withClaim("roles", List.of(roles)).token();
    }

    private static List<String> ids(JsonNode collection) {
        List<String> ids = new ArrayList<>();
        collection.get("value").forEach(u -> ids.add(u.get("id").asText()));
        return ids;
    }

    @Test
    void theSeededUsersHaveAUserPrincipalNameAndAMail() {
        for (String[] user : new String[][] {{ADMIN_ID, ADMIN_UPN}, {ALINE_ID, ALINE_UPN}, {BOB_ID, BOB_UPN}}) {
            JsonNode u = http.get("/users/" + user[0], app).body();
            assertThat(u.get("userPrincipalName").asText()).isEqualTo(user[1]);
            assertThat(u.get("mail").asText()).isEqualTo(user[1]);
        }
    }

    @Test
    void aUserIsFoundByObjectIdWithOnlyTheSelectedProperties() {
        GraphHttp.Response r = http.get("/users/" + ALINE_ID + "?$select=id", app);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("@odata.context").asText()).isEqualTo(CONTEXT + "users(id)/$entity");
        assertThat(r.body().get("id").asText()).isEqualTo(ALINE_ID);
        assertThat(r.body().has("displayName")).isFalse();
        assertThat(r.body().size()).isEqualTo(2);

        JsonNode two =
                http.get("/users/" + ALINE_ID + "?$select=" + q("id,mail"), app).body();
        assertThat(two.get("@odata.context").asText()).isEqualTo(CONTEXT + "users(id,mail)/$entity");
        assertThat(two.get("mail").asText()).isEqualTo(ALINE_UPN);

        JsonNode all = http.get("/users/" + ALINE_ID, app).body();
        assertThat(all.get("@odata.context").asText()).isEqualTo(CONTEXT + "users/$entity");
        assertThat(all.get("displayName").asText()).isEqualTo("Aline Dupuy");
    }

    @Test
    void aUserIsFoundByUserPrincipalNameIgnoringCase() {
        GraphHttp.Response r = http.get("/users/" + q(ALINE_UPN.toUpperCase(Locale.ROOT)) + "?$select=id", app);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("id").asText()).isEqualTo(ALINE_ID);
        // as curl sends it, the @ unencoded
        assertThat(http.get("/users/" + BOB_UPN.toLowerCase(Locale.ROOT), app)
                        .body()
                        .get("id")
                        .asText())
                .isEqualTo(BOB_ID);
        // and the user's groups by the same name
        JsonNode memberOf =
                http.get("/users/" + q(ALINE_UPN) + "/transitiveMemberOf", app).body();
        assertThat(ids(memberOf)).contains(HELPDESK_GROUP_ID);
    }

    @Test
    void usersAreFilteredByMailOrUserPrincipalNameAsACollection() {
        simulator.addUser(
                "6f3c1a2b-0000-4000-8000-000000000001", "Carol", "carol@contoso.onmicrosoft.com", "carol@contoso.com");

        GraphHttp.Response byMail =
                http.get("/users?$filter=" + q("mail eq 'CAROL@contoso.com'") + "&$select=id&$top=2", app);
        assertThat(byMail.status()).isEqualTo(200);
        assertThat(byMail.body().get("@odata.context").asText()).isEqualTo(CONTEXT + "users(id)");
        assertThat(ids(byMail.body())).containsExactly("6f3c1a2b-0000-4000-8000-000000000001");
        assertThat(byMail.body().get("value").get(0).size()).isEqualTo(1);

        JsonNode byUpn = http.get("/users?$filter=" + q("userPrincipalName eq '" + BOB_UPN + "'"), app)
                .body();
        assertThat(ids(byUpn)).containsExactly(BOB_ID);
        assertThat(byUpn.get("@odata.context").asText()).isEqualTo(CONTEXT + "users");

        GraphHttp.Response none = http.get("/users?$filter=" + q("mail eq 'nobody@contoso.com'") + "&$select=id", app);
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.body().get("value").isArray()).isTrue();
        assertThat(none.body().get("value")).isEmpty();
    }

    @Test
    void aQuoteInAFilterLiteralIsDoubledAndMatchesOnlyThatValue() {
        simulator.addUser(
                "6f3c1a2b-0000-4000-8000-000000000002",
                "Dan O'Brien",
                "dan@contoso.onmicrosoft.com",
                "o'brien@contoso.com");
        assertThat(ids(http.get("/users?$filter=" + q("mail eq 'o''brien@contoso.com'"), app)
                        .body()))
                .containsExactly("6f3c1a2b-0000-4000-8000-000000000002");
        assertThat(http.get("/users?$filter=" + q("mail eq 'x'' or 1 eq 1'"), app)
                        .body()
                        .get("value"))
                .isEmpty();
    }

    @Test
    void anUnknownDirectoryObjectIsRequestResourceNotFoundOnEveryUserAndGroupRoute() {
        List<GraphHttp.Response> answers = List.of(
                http.get("/users/" + UNKNOWN, app),
                http.get("/users/" + q("nobody@contoso.onmicrosoft.com"), app),
                http.get("/users/" + UNKNOWN + "/transitiveMemberOf", app),
                http.get("/users/" + UNKNOWN + "/memberOf", app),
                http.get("/groups/" + UNKNOWN, app),
                http.get("/groups/" + UNKNOWN + "/members", app),
                http.get("/groups/" + UNKNOWN + "/owners", app));
        for (GraphHttp.Response r : answers) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body().at("/error/code").asText()).isEqualTo("Request_ResourceNotFound");
        }
        assertThat(answers.get(0).body().at("/error/message").asText())
                .isEqualTo("Resource '" + UNKNOWN
                        + "' does not exist or one of its queried reference-property objects are not present.");
        assertThat(answers.get(1).body().at("/error/message").asText())
                .startsWith("Resource 'nobody@contoso.onmicrosoft.com' does not exist");

        String writer = appWith("Group.ReadWrite.All", "RoleManagement.ReadWrite.Directory");
        for (GraphHttp.Response r : List.of(
                http.delete("/groups/" + UNKNOWN, writer),
                http.delete("/groups/" + HELPDESK_GROUP_ID + "/members/" + BOB_ID + "/$ref", writer),
                http.post(
                        "/groups/" + UNKNOWN + "/members/$ref",
                        writer,
                        "{\"@odata.id\":\"https://graph.microsoft.com/v1.0/users/" + BOB_ID + "\"}"))) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body().at("/error/code").asText()).isEqualTo("Request_ResourceNotFound");
        }
    }

    @Test
    void pimEndpointsKeepTheirOwnNotFoundCode() {
        GraphHttp.Response r = http.get("/roleManagement/directory/roleDefinitions/" + UNKNOWN, app);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body().at("/error/code").asText()).isEqualTo("itemNotFound");
    }

    @Test
    void userReadBasicAllIsEnoughToLookUpUsersButNotTheirGroups() {
        String basic = appWith("User.ReadBasic.All");
        assertThat(http.get("/users/" + ALINE_ID + "?$select=id", basic).status())
                .isEqualTo(200);
        assertThat(http.get("/users/" + q(ALINE_UPN) + "?$select=id", basic).status())
                .isEqualTo(200);
        assertThat(http.get("/users?$filter=" + q("mail eq '" + ALINE_UPN + "'") + "&$select=id", basic)
                        .status())
                .isEqualTo(200);
        assertThat(http.get("/users/" + ALINE_ID + "/transitiveMemberOf", basic).status())
                .isEqualTo(403);

        String rolesOnly = appWith("RoleManagement.Read.Directory");
        GraphHttp.Response denied = http.get("/users/" + ALINE_ID + "?$select=id", rolesOnly);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body().at("/error/code").asText()).isEqualTo("Authorization_RequestDenied");
        assertThat(SimulatorTokenCredential.APP_ROLES).contains("User.ReadBasic.All");
    }
}
