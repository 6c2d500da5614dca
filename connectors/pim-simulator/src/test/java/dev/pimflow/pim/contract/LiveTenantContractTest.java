package dev.pimflow.pim.contract;

import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.pim.graph.GraphAuthSettings;
import dev.pimflow.pim.graph.GraphCredentials;
import dev.pimflow.pim.graph.GraphPimClient;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * {@link GraphPimContract} against a real tenant. Runs only when {@code PIM_CONTRACT_BASE_URL} and the two delegated
 * tokens are set; skipped otherwise. <strong>It changes the tenant</strong>: it creates role-assignable groups and
 * makes them eligible, activates the role for the test user, gives the assignee a time-bound active assignment and
 * temporarily patches the role's {@code Expiration_EndUser_Assignment} rule, then undoes all of it, best effort.
 * Use a test tenant.
 *
 * <table>
 *   <caption>Environment</caption>
 *   <tr><td>{@code PIM_CONTRACT_BASE_URL}</td><td>e.g. {@code https://graph.microsoft.com/v1.0}</td></tr>
 *   <tr><td>{@code PIM_CONTRACT_ADMIN_TOKEN}</td><td>delegated token of a Privileged Role Administrator signed in
 *       with MFA (scopes {@code Group.ReadWrite.All RoleManagement.ReadWrite.Directory User.Read.All})</td></tr>
 *   <tr><td>{@code PIM_CONTRACT_USER_TOKEN}</td><td>delegated token of the test user, signed in with MFA
 *       ({@code RoleAssignmentSchedule.ReadWrite.Directory})</td></tr>
 *   <tr><td>{@code PIM_CONTRACT_APP_TOKEN}, or {@code PIM_CONTRACT_TENANT_ID} + {@code PIM_CONTRACT_CLIENT_ID} +
 *       {@code PIM_CONTRACT_CLIENT_SECRET}</td><td>app-only: an app with {@code RoleAssignmentSchedule.ReadWrite.Directory},
 *       {@code RoleManagement.Read.Directory}, {@code RoleManagementPolicy.Read.Directory}</td></tr>
 *   <tr><td>{@code PIM_CONTRACT_ASSIGNEE_ID}</td><td>a user who gets (and loses) a time-bound active assignment</td></tr>
 *   <tr><td>{@code PIM_CONTRACT_ROLE_ID}</td><td>optional, default User Administrator {@code fe930be7-…}</td></tr>
 * </table>
 * The admin's and the user's object ids are read from the {@code oid} claim of their tokens (decoded, not verified).
 */
@EnabledIfEnvironmentVariable(
        named = "PIM_CONTRACT_BASE_URL",
        matches = "https?://.+",
        disabledReason =
                "runs against a real tenant only when PIM_CONTRACT_BASE_URL is set (with the tokens in the class comment)")
@EnabledIfEnvironmentVariable(
        named = "PIM_CONTRACT_ADMIN_TOKEN",
        matches = ".+",
        disabledReason = "needs PIM_CONTRACT_ADMIN_TOKEN: a Privileged Role Administrator's delegated token with MFA")
@EnabledIfEnvironmentVariable(
        named = "PIM_CONTRACT_USER_TOKEN",
        matches = ".+",
        disabledReason = "needs PIM_CONTRACT_USER_TOKEN: the test user's delegated token with MFA")
class LiveTenantContractTest extends GraphPimContract {

    private static final String USER_ADMINISTRATOR = "fe930be7-5e62-47db-91af-98c3a49a38b1";
    private static String appToken;
    private static Tenant tenant;

    @BeforeAll
    static void configure() {
        List<String> missing = new ArrayList<>();
        String assignee = env("PIM_CONTRACT_ASSIGNEE_ID");
        if (assignee == null) {
            missing.add("PIM_CONTRACT_ASSIGNEE_ID");
        }
        appToken = env("PIM_CONTRACT_APP_TOKEN");
        if (appToken == null) {
            String tenantId = env("PIM_CONTRACT_TENANT_ID");
            String clientId = env("PIM_CONTRACT_CLIENT_ID");
            String secret = env("PIM_CONTRACT_CLIENT_SECRET");
            if (tenantId == null || clientId == null || secret == null) {
                missing.add(
                        "PIM_CONTRACT_APP_TOKEN (or PIM_CONTRACT_TENANT_ID + PIM_CONTRACT_CLIENT_ID + PIM_CONTRACT_CLIENT_SECRET)");
            } else {
                appToken = GraphCredentials.create(
                                new GraphAuthSettings("client-secret", tenantId, clientId, secret, null, null),
                                SimulatorTokenCredential::new)
                        .getTokenSync(new TokenRequestContext().addScopes(GraphPimClient.DEFAULT_SCOPE))
                        .getToken();
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("PIM_CONTRACT_BASE_URL is set, but not: " + String.join(", ", missing));
        }
        String role = env("PIM_CONTRACT_ROLE_ID");
        tenant = new Tenant(
                oid(env("PIM_CONTRACT_ADMIN_TOKEN"), "PIM_CONTRACT_ADMIN_TOKEN"),
                oid(env("PIM_CONTRACT_USER_TOKEN"), "PIM_CONTRACT_USER_TOKEN"),
                assignee,
                role == null ? USER_ADMINISTRATOR : role);
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The token's {@code oid} claim, read without verifying the token (Graph verifies it). */
    private static String oid(String token, String variable) {
        String[] parts = token.split("\\.");
        try {
            JsonNode claims = ContractHttp.MAPPER.readTree(
                    new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return claims.get("oid").asText();
        } catch (Exception e) {
            throw new IllegalStateException(variable + " is not a JWT with an oid claim");
        }
    }

    @Override
    protected String baseUrl() {
        return env("PIM_CONTRACT_BASE_URL");
    }

    @Override
    protected String token(Actor actor) {
        return switch (actor) {
            case ADMIN -> env("PIM_CONTRACT_ADMIN_TOKEN");
            case USER -> env("PIM_CONTRACT_USER_TOKEN");
            case APP -> appToken;
        };
    }

    @Override
    protected Tenant tenant() {
        return tenant;
    }
}
