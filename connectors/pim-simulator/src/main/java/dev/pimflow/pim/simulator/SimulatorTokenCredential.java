package dev.pimflow.pim.simulator;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Mints unsigned JWTs ({@code alg: none}) shaped like Entra access tokens for Graph. Only the
 * {@link GraphSimulator} accepts them: it reads claims without verifying signatures.
 *
 * <p>The default is an app-only token for the orchestrator's app registration, carrying the application
 * permissions the orchestrator needs ({@link #APP_ROLES}). {@link #user} mints delegated tokens, e.g. for
 * replaying the tutorial's {@code selfActivate} as Aline with {@code amr: ["pwd","mfa"]}.
 */
public final class SimulatorTokenCredential implements TokenCredential {

    /** The orchestrator's (fictitious) app registration in the Contoso tenant. */
    public static final String APP_ID = "6a1c3b8e-2f4d-4e5a-9b7c-8d0e1f2a3b4c";

    /** Least-privilege application permissions for the orchestrator (see the simulator's permission table). */
    public static final List<String> APP_ROLES = List.of(
            "RoleAssignmentSchedule.ReadWrite.Directory",
            "RoleManagement.Read.Directory",
            "GroupMember.Read.All",
            "User.ReadBasic.All");

    /** Delegated scopes of a user token, as Graph Explorer would hold after consenting for the tutorial. */
    public static final String USER_SCOPES =
            "Group.ReadWrite.All RoleManagement.ReadWrite.Directory RoleAssignmentSchedule.ReadWrite.Directory "
                    + "RoleEligibilitySchedule.ReadWrite.Directory RoleManagementPolicy.ReadWrite.Directory User.Read.All";

    private static final Duration LIFETIME = Duration.ofHours(1);

    private final Map<String, Object> claims;
    private final Clock clock;

    /** An app-only token for {@link #APP_ID} with {@link #APP_ROLES}. */
    public SimulatorTokenCredential() {
        this(appClaims(), Clock.systemUTC());
    }

    private SimulatorTokenCredential(Map<String, Object> claims, Clock clock) {
        this.claims = Map.copyOf(claims);
        this.clock = clock;
    }

    public static SimulatorTokenCredential appOnly() {
        return new SimulatorTokenCredential();
    }

    /** A delegated token for the user with the given object id and authentication methods (e.g. "pwd", "mfa"). */
    public static SimulatorTokenCredential user(String objectId, String... amr) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("aud", "https://graph.microsoft.com");
        c.put("iss", "https://sts.windows.net/" + ContosoTenant.TENANT_ID + "/");
        c.put("tid", ContosoTenant.TENANT_ID);
        c.put("idtyp", "user");
        c.put("oid", objectId);
        c.put("sub", objectId);
        c.put("appid", "de8bc8b5-d9f9-48b1-a8ad-b748da725064"); // Graph Explorer's public client id
        c.put("app_displayname", "Graph Explorer");
        c.put("amr", List.of(amr));
        c.put("scp", USER_SCOPES);
        c.put("ver", "1.0");
        return new SimulatorTokenCredential(c, Clock.systemUTC());
    }

    /** A copy with one claim added or replaced (e.g. {@code acrs}, {@code roles}); a null value removes it. */
    public SimulatorTokenCredential withClaim(String name, Object value) {
        Map<String, Object> c = new LinkedHashMap<>(claims);
        if (value == null) {
            c.remove(name);
        } else {
            c.put(name, value);
        }
        return new SimulatorTokenCredential(c, clock);
    }

    /** A copy whose tokens are minted against the given clock (e.g. to mint an already expired token). */
    public SimulatorTokenCredential withClock(Clock clock) {
        return new SimulatorTokenCredential(claims, clock);
    }

    /** A fresh token string, for raw HTTP calls ({@code Authorization: Bearer <token>}). */
    public String token() {
        return mint().getToken();
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromSupplier(this::mint);
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        return mint();
    }

    private AccessToken mint() {
        Instant now = clock.instant();
        Instant exp = now.plus(LIFETIME);
        Map<String, Object> c = new LinkedHashMap<>(claims);
        c.put("iat", now.getEpochSecond());
        c.put("nbf", now.getEpochSecond());
        c.put("exp", exp.getEpochSecond());
        c.put("uti", UUID.randomUUID().toString());
        String jwt = encode(Map.of("alg", "none", "typ", "JWT")) + "." + encode(c) + ".";
        return new AccessToken(jwt, exp.atOffset(ZoneOffset.UTC));
    }

    private static String encode(Map<String, Object> json) {
        try {
            byte[] bytes = Json.MAPPER.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> appClaims() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("aud", "https://graph.microsoft.com");
        c.put("iss", "https://sts.windows.net/" + ContosoTenant.TENANT_ID + "/");
        c.put("tid", ContosoTenant.TENANT_ID);
        c.put("idtyp", "app");
        c.put("oid", APP_ID);
        c.put("sub", APP_ID);
        c.put("appid", APP_ID);
        c.put("app_displayname", "pimflow orchestrator");
        c.put("roles", APP_ROLES);
        c.put("ver", "1.0");
        return c;
    }
}
