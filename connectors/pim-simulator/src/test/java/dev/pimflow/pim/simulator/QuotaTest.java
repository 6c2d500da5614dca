package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Graph's write and read quotas per app, on a clock the test moves, through the simulator's HTTP surface. */
class QuotaTest {

    private static final String MISSING_GROUP = "/groups/00000000-0000-0000-0000-00000000dead";
    private static MutableClock clock;
    private static GraphSimulator simulator;
    private static GraphHttp http;
    private static String app;
    private static String otherApp;

    @BeforeAll
    static void start() {
        clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        simulator = GraphSimulator.start(0, clock, 100);
        http = new GraphHttp(simulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        clock.set(Instant.parse("2030-01-01T00:00:00Z"));
        simulator.quota(QuotaSettings.off());
        simulator.reset();
        // no roles claim: the simulator lets every call through, so a write is a cheap DELETE
        app = SimulatorTokenCredential.appOnly()
                .withClaim("roles", null)
                .withClock(clock)
                .token();
        otherApp = SimulatorTokenCredential.appOnly()
                .withClaim("roles", null)
                .withClaim("appid", "11111111-2222-3333-4444-555555555555")
                .withClock(clock)
                .token();
    }

    /** One write: a DELETE of a group that is not there (404, but Graph charges it all the same). */
    private static GraphHttp.Response write(String token) {
        return http.delete(MISSING_GROUP, token);
    }

    private static GraphHttp.Response read(String token) {
        return http.get("/users/" + ALINE_ID, token);
    }

    private static JsonNode quota() {
        GraphHttp.Response r = http.get("/_simulator/quota", null);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    private static void setQuota(String json) {
        assertThat(http.post("/_simulator/quota", null, json).status()).isEqualTo(200);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void offByDefaultWithGraphsLimits() {
        try (GraphSimulator fresh = GraphSimulator.start(0, clock, 100)) {
            GraphHttp h = new GraphHttp(fresh.baseUrl());
            JsonNode q = h.get("/_simulator/quota", null).body();
            assertThat(q.get("enabled").asBoolean()).isFalse();
            assertThat(q.get("writesPerWindow").asInt()).isEqualTo(3000);
            assertThat(q.get("writeWindow").asText()).isEqualTo("PT2M30S");
            assertThat(q.get("readUnitsPerWindow").asInt()).isEqualTo(3500);
            assertThat(q.get("readWindow").asText()).isEqualTo("PT10S");

            // a fresh simulator serves every request: nothing is throttled
            for (int i = 0; i < 50; i++) {
                assertThat(h.delete(MISSING_GROUP, app).status()).isEqualTo(404);
                assertThat(h.get("/users/" + ALINE_ID, app).status()).isEqualTo(200);
            }
            q = h.get("/_simulator/quota", null).body();
            assertThat(q.at("/write/served").asLong()).isEqualTo(50);
            assertThat(q.at("/write/throttled").asLong()).isZero();
            assertThat(q.at("/read/served").asLong()).isEqualTo(50);
            assertThat(q.at("/read/throttled").asLong()).isZero();
        }
    }

    @Test
    void aDisabledQuotaThrottlesNothingHoweverLowItsLimits() {
        setQuota("{\"enabled\":false,\"writesPerWindow\":1,\"readUnitsPerWindow\":1}");
        for (int i = 0; i < 50; i++) {
            assertThat(write(app).status()).isEqualTo(404);
            assertThat(read(app).status()).isEqualTo(200);
        }
        assertThat(quota().at("/write/served").asLong()).isEqualTo(50);
        setQuota("{\"enabled\":true}"); // the same limits, on
        assertThat(write(app).status()).isEqualTo(404);
        assertThat(write(app).status()).isEqualTo(429);
    }

    @Test
    void overTheWriteQuotaIsGraphs429WithRetryAfterAndTheThrottlingFaultsBody() {
        setQuota("{\"enabled\":true,\"writesPerWindow\":3,\"writeWindow\":\"PT150S\"}");
        for (int i = 0; i < 3; i++) {
            assertThat(write(app).status()).isEqualTo(404);
            clock.advance(Duration.ofSeconds(10));
        }
        // t = 30 s: the first write leaves the window at 150 s
        GraphHttp.Response throttled = write(app);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isEqualTo("120");
        assertThat(throttled.header("x-ms-throttle-information")).isEqualTo("WriteLimitExceeded");

        // the same body as the simulator's throttling fault (spec 8)
        http.post("/_simulator/faults", null, "{\"status\":429,\"retryAfterSeconds\":120,\"count\":1}");
        GraphHttp.Response fault = http.get("/users/" + ALINE_ID, app);
        assertThat(fault.status()).isEqualTo(429);
        assertThat(fault.header("Retry-After")).isEqualTo("120");
        JsonNode body = throttled.body();
        assertThat(fieldNames(body)).isEqualTo(fieldNames(fault.body())).containsExactly("error");
        assertThat(fieldNames(body.get("error")))
                .isEqualTo(fieldNames(fault.body().get("error")));
        assertThat(fieldNames(body.at("/error/innerError")))
                .isEqualTo(fieldNames(fault.body().at("/error/innerError")))
                .containsExactly("code", "date", "message", "request-id", "status");
        for (String p :
                List.of("/error/code", "/error/message", "/error/innerError/code", "/error/innerError/status")) {
            assertThat(body.at(p)).as(p).isEqualTo(fault.body().at(p));
        }
        assertThat(body.at("/error/code").asText()).isEqualTo("TooManyRequests");
        assertThat(body.at("/error/message").asText()).isEqualTo("Please retry again later.");
        assertThat(body.at("/error/innerError/request-id").asText()).isEqualTo(throttled.header("request-id"));

        // another app has its own quota
        assertThat(write(otherApp).status()).isEqualTo(404);
    }

    @Test
    void theWindowFreesUpAsTheClockMoves() {
        setQuota("{\"enabled\":true,\"writesPerWindow\":2,\"writeWindow\":\"PT150S\"}");
        assertThat(write(app).status()).isEqualTo(404); // t = 0
        clock.advance(Duration.ofSeconds(10));
        assertThat(write(app).status()).isEqualTo(404); // t = 10
        clock.advance(Duration.ofMillis(500));
        GraphHttp.Response r = write(app); // t = 10.5: 139.5 s to go, whole seconds rounded up
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("Retry-After")).isEqualTo("140");

        clock.set(Instant.parse("2030-01-01T00:02:29.999Z"));
        assertThat(write(app).status()).isEqualTo(429);
        clock.set(Instant.parse("2030-01-01T00:02:30Z")); // the write at t = 0 leaves the window
        assertThat(write(app).status()).isEqualTo(404);
        r = write(app); // the write at t = 10 is still in it
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("Retry-After")).isEqualTo("10");
        clock.advance(Duration.ofSeconds(10));
        assertThat(write(app).status()).isEqualTo(404);
    }

    @Test
    void readsSpendResourceUnitsPerWindow() {
        setQuota("{\"enabled\":true,\"readUnitsPerWindow\":3,\"readWindow\":\"PT10S\"}");
        // transitiveMemberOf costs 2 units, a plain read 1
        assertThat(http.get("/users/" + ALINE_ID + "/transitiveMemberOf", app).status())
                .isEqualTo(200);
        assertThat(read(app).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(4));
        GraphHttp.Response r = read(app);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("Retry-After")).isEqualTo("6");
        assertThat(r.header("x-ms-throttle-information")).isEqualTo("ResourceUnitLimitExceeded");
        // writes have their own quota
        assertThat(write(app).status()).isEqualTo(404);
        clock.advance(Duration.ofSeconds(6));
        assertThat(read(app).status()).isEqualTo(200);
        assertThat(Quota.readUnits("/users/x", Map.of("$select", "id"))).isEqualTo(1);
        assertThat(Quota.readUnits("/groups/x/transitiveMembers", Map.of("$expand", "x", "$top", "5")))
                .isEqualTo(5);
    }

    @Test
    void requestsWhileARetryAfterRunsAreCounted() {
        setQuota("{\"enabled\":true,\"writesPerWindow\":1,\"writeWindow\":\"PT150S\"}");
        assertThat(write(app).status()).isEqualTo(404);
        clock.advance(Duration.ofSeconds(50));
        GraphHttp.Response r = write(app);
        assertThat(r.header("Retry-After")).isEqualTo("100"); // until t = 150
        clock.advance(Duration.ofSeconds(1));
        assertThat(write(app).status()).isEqualTo(429); // early, throttled again: Retry-After 99, until t = 150
        clock.advance(Duration.ofSeconds(1));
        assertThat(read(app).status()).isEqualTo(200); // early, though reads are within their quota
        assertThat(read(otherApp).status()).isEqualTo(200); // another app was told nothing
        clock.set(Instant.parse("2030-01-01T00:02:30Z"));
        assertThat(write(app).status()).isEqualTo(404); // waited it out

        JsonNode q = quota();
        assertThat(q.get("enabled").asBoolean()).isTrue();
        assertThat(q.get("window").asText()).isEqualTo("sliding");
        assertThat(q.get("writesPerWindow").asInt()).isEqualTo(1);
        assertThat(q.at("/write/served").asLong()).isEqualTo(2);
        assertThat(q.at("/write/throttled").asLong()).isEqualTo(2);
        assertThat(q.at("/write/duringRetryAfter").asLong()).isEqualTo(1);
        assertThat(q.at("/read/served").asLong()).isEqualTo(2);
        assertThat(q.at("/read/throttled").asLong()).isZero();
        assertThat(q.at("/read/duringRetryAfter").asLong()).isEqualTo(1);

        assertThat(http.delete("/_simulator/quota", null).status()).isEqualTo(204);
        q = quota();
        assertThat(q.at("/write/served").asLong()).isZero();
        assertThat(q.at("/write/duringRetryAfter").asLong()).isZero();
        assertThat(q.get("enabled").asBoolean()).isTrue();
    }

    @Test
    void disablingAtRunTimeStopsThrottlingAndResetGoesBackToTheConfiguredQuota() {
        simulator.quota(new QuotaSettings(true, 1, Duration.ofSeconds(150), 3500, Duration.ofSeconds(10)));
        assertThat(write(app).status()).isEqualTo(404);
        assertThat(write(app).status()).isEqualTo(429);
        setQuota("{\"enabled\":false}");
        assertThat(write(app).status()).isEqualTo(404);
        assertThat(write(app).status()).isEqualTo(404);
        assertThat(quota().at("/write/throttled").asLong()).isZero(); // POST restarted the counters

        assertThat(http.post("/_simulator/reset", null, null).status()).isEqualTo(204);
        JsonNode q = quota();
        assertThat(q.get("enabled").asBoolean()).isTrue();
        assertThat(q.get("writesPerWindow").asInt()).isEqualTo(1);
        assertThat(write(app).status()).isEqualTo(404);
        assertThat(write(app).status()).isEqualTo(429);

        GraphHttp.Response bad = http.post("/_simulator/quota", null, "{\"writesPerWindow\":0}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().at("/error/code").asText()).isEqualTo("BadRequest");
    }
}
