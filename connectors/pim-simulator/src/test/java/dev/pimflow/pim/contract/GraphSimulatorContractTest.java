package dev.pimflow.pim.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.simulator.ContosoTenant;
import dev.pimflow.pim.simulator.GraphSimulator;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link GraphPimContract} against the Graph simulator over real HTTP (started on a free port), seeded with the
 * tutorial's Contoso tenant. Everything goes through the simulator's HTTP surface, as it would for any client:
 * tokens from {@code POST /_simulator/tokens}, a fresh seed from {@code POST /_simulator/reset}, throttling from
 * {@code POST /_simulator/faults}.
 */
class GraphSimulatorContractTest extends GraphPimContract {

    private static GraphSimulator simulator;
    private static ContractHttp control;
    private static final Map<Actor, String> TOKENS = new EnumMap<>(Actor.class);

    @BeforeAll
    static void startSimulator() {
        simulator = GraphSimulator.start(0);
        control = new ContractHttp(simulator.baseUrl().replaceFirst("/v1\\.0$", ""));
        TOKENS.put(Actor.ADMIN, mint("{\"oid\":\"" + ContosoTenant.ADMIN_ID + "\",\"amr\":[\"pwd\",\"mfa\"]}"));
        TOKENS.put(Actor.USER, mint("{\"oid\":\"" + ContosoTenant.ALINE_ID + "\",\"amr\":[\"pwd\",\"mfa\"]}"));
        TOKENS.put(Actor.APP, mint("{}"));
    }

    @AfterAll
    static void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private static String mint(String claims) {
        ContractHttp.Response r = control.send("POST", "/_simulator/tokens", null, claims);
        assertThat(r.status()).as("POST /_simulator/tokens").isEqualTo(201);
        return r.body().get("access_token").asText();
    }

    @Override
    protected String baseUrl() {
        return simulator.baseUrl();
    }

    @Override
    protected String token(Actor actor) {
        return TOKENS.get(actor);
    }

    @Override
    protected Tenant tenant() {
        return new Tenant(
                ContosoTenant.ADMIN_ID,
                ContosoTenant.ALINE_ID,
                ContosoTenant.BOB_ID,
                ContosoTenant.USER_ADMINISTRATOR_ROLE_ID);
    }

    @Override
    protected void beforeEachContract() {
        assertThat(control.send("POST", "/_simulator/reset", null, null).status())
                .isEqualTo(204);
    }

    @Override
    protected boolean armThrottling(Double retryAfterSeconds, String pathContains) {
        ObjectNode fault = ContractHttp.MAPPER
                .createObjectNode()
                .put("status", 429)
                .put("count", 1)
                .put("pathContains", pathContains);
        if (retryAfterSeconds != null) {
            fault.put("retryAfterSeconds", retryAfterSeconds);
        }
        assertThat(control.send("POST", "/_simulator/faults", null, fault.toString())
                        .status())
                .isEqualTo(201);
        return true;
    }
}
