package dev.pimflow.pim.graph;

import static dev.pimflow.pim.simulator.ContosoTenant.ALINE_ID;
import static dev.pimflow.pim.simulator.ContosoTenant.USER_ADMINISTRATOR_ROLE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.pimflow.pim.PimException;
import dev.pimflow.pim.PimException.Kind;
import dev.pimflow.pim.RemovalRequest;
import dev.pimflow.pim.simulator.GraphHttp;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.pim.simulator.SimulatorTokenCredential;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One view per node of "Graph says wait until T" (DESIGN 9.4): after a 429 (or a 503 with {@code Retry-After}) no
 * call of the client sends until T. Time is a clock the test moves, so nothing here depends on the machine's speed;
 * what reached Graph is counted by the simulator (a fault that only counts the requests it matches).
 */
class GraphPimClientThrottleTest {

    private static final int COUNTER = 1000;

    private static GraphSimulator simulator;
    private static GraphHttp http;

    private ManualTime time;
    private GraphThrottle throttle;
    private ExecutorService pool;

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
        time = new ManualTime();
        throttle = new GraphThrottle(time, time);
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void shutdown() throws InterruptedException {
        time.advance(Duration.ofDays(1)); // release any caller still waiting
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void concurrentCallsSendNothingUntilTheRetryAfterIsOver() throws Exception {
        fault("{\"status\":429,\"retryAfterSeconds\":2,\"count\":1}");
        countRequests();
        GraphPimClient client = client(Duration.ofSeconds(30));
        Instant t0 = time.instant();

        List<Future<String>> calls = new ArrayList<>();
        calls.add(pool.submit(
                () -> client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID).displayName()));
        time.awaitSleepers(1); // the first call got the 429 and waits it out
        assertThat(received()).isEqualTo(1);
        assertThat(client.throttledUntil()).contains(t0.plusSeconds(2));

        int others = 8;
        for (int i = 0; i < others; i++) {
            calls.add(pool.submit(
                    () -> client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID).displayName()));
        }
        time.awaitSleepers(1 + others);
        assertThat(received()).as("requests sent while Graph says wait").isEqualTo(1);

        time.advance(Duration.ofMillis(1999));
        assertThat(time.sleepers()).isEqualTo(1 + others);
        assertThat(received()).as("requests sent while Graph says wait").isEqualTo(1);

        time.advance(Duration.ofMillis(1)); // T: every call goes out once
        for (Future<String> call : calls) {
            assertThat(call.get(20, TimeUnit.SECONDS)).isEqualTo("User Administrator");
        }
        assertThat(received()).isEqualTo(1 + 1 + others);
        assertThat(client.throttledUntil()).isEmpty();
        assertThat(throttle.waits()).isEqualTo(1 + others);
        assertThat(throttle.waited()).isEqualTo(Duration.ofSeconds(2).multipliedBy(1 + others));
    }

    @Test
    void aWaitLongerThanMaxBackoffIsHandedToTheCallerWithoutSending() {
        fault("{\"status\":429,\"retryAfterSeconds\":60,\"count\":1}");
        countRequests();
        GraphPimClient client = client(Duration.ofSeconds(5));
        Instant t0 = time.instant();

        PimException first =
                catchThrowableOfType(PimException.class, () -> client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID));
        assertThat(first.httpStatus()).isEqualTo(429);
        assertThat(first.retryAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(received()).isEqualTo(1);
        assertThat(client.throttledUntil()).contains(t0.plusSeconds(60));

        time.advance(Duration.ofSeconds(10));
        // any call of the node, not only the throttled operation
        PimException held = catchThrowableOfType(PimException.class, () -> client.roleAssignments(ALINE_ID));
        assertThat(held.kind()).isEqualTo(Kind.RETRY);
        assertThat(held.code()).isEqualTo("TooManyRequests");
        assertThat(held.httpStatus())
                .as("as Graph answered: jobs keep their retries for it")
                .isEqualTo(429);
        assertThat(held.retryAfter()).isEqualTo(Duration.ofSeconds(50));
        assertThat(received()).as("nothing sent while Graph says wait").isEqualTo(1);
        assertThat(throttle.waited()).isZero();

        time.advance(Duration.ofSeconds(50)); // T: calls go out again
        assertThat(client.throttledUntil()).isEmpty();
        assertThat(client.roleAssignments(ALINE_ID)).isNotNull();
        assertThat(received()).isEqualTo(2);
    }

    @Test
    void aServiceUnavailableWithRetryAfterHoldsTheNodeBackToo() {
        fault("{\"status\":503,\"retryAfterSeconds\":60,\"count\":1}");
        countRequests();
        GraphPimClient client = client(Duration.ofSeconds(5));
        Instant t0 = time.instant();
        PimException first =
                catchThrowableOfType(PimException.class, () -> client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID));
        assertThat(first.httpStatus()).isEqualTo(503);
        assertThat(client.throttledUntil()).contains(t0.plusSeconds(60));

        // another client of the node that shares the throttle is held back as well
        GraphPimClient sibling = client(Duration.ofSeconds(5));
        PimException held = catchThrowableOfType(PimException.class, () -> sibling.roleAssignments(ALINE_ID));
        assertThat(held.retryAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(received()).isEqualTo(1);
    }

    @Test
    void aRetryAfterLongerThanTheCapHoldsTheNodeBackOnlyAsLongAsTheCap() {
        throttle = new GraphThrottle(time, time, Duration.ofMinutes(5));
        fault("{\"status\":429,\"retryAfterSeconds\":31536000,\"count\":1}"); // "come back in a year"
        countRequests();
        GraphPimClient client = client(Duration.ofSeconds(5));
        Instant t0 = time.instant();

        PimException first = catchThrowableOfType(PimException.class, () -> client.remove(removal()));
        assertThat(first.httpStatus()).isEqualTo(429);
        assertThat(first.retryAfter())
                .as("what the job is postponed by: the cap, not a year")
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(client.throttledUntil()).contains(t0.plus(Duration.ofMinutes(5)));
        assertThat(throttle.cappedRetryAfters()).isEqualTo(1);

        time.advance(Duration.ofMinutes(5)); // the revocation goes out again after the cap, not after a year
        assertThat(client.throttledUntil()).isEmpty();
        assertThat(client.remove(removal()).removed()).isFalse(); // nothing assigned: PIM says so, and it is sent
        assertThat(received()).isEqualTo(2);
    }

    @Test
    void everyRequestSentIsCountedByKindAndEvery429AsThrottled() {
        fault("{\"status\":429,\"retryAfterSeconds\":1,\"count\":1,\"method\":\"POST\"}");
        GraphPimClient client = client(Duration.ofSeconds(5));
        client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID); // one GET
        Future<?> removal = pool.submit(() -> client.remove(removal())); // 429, waits 1 s, sent again
        await().atMost(Duration.ofSeconds(10))
                .until(() -> throttle.throttledUntil().isPresent());
        time.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(removal::isDone);

        assertThat(throttle.requests(GraphThrottle.RequestKind.READ)).isEqualTo(1);
        assertThat(throttle.requests(GraphThrottle.RequestKind.WRITE)).isEqualTo(2);
        assertThat(throttle.throttledAnswers(GraphThrottle.RequestKind.WRITE)).isEqualTo(1);
        assertThat(throttle.throttledAnswers(GraphThrottle.RequestKind.READ)).isZero();
    }

    @Test
    void writesArePacedToTheWriteQuotaAndReadsAreNot() throws Exception {
        throttle = new GraphThrottle(
                time, time, Duration.ofMinutes(5), new GraphThrottle.WritePace(3, Duration.ofSeconds(10)));
        Instant t0 = time.instant();
        for (int i = 0; i < 3; i++) {
            throttle.awaitClear(Duration.ofSeconds(5), "POST", "/w");
            time.advance(Duration.ofSeconds(1));
        }
        throttle.awaitClear(Duration.ofSeconds(5), "GET", "/r"); // reads go on

        // the 4th write within the window would exceed the quota: it may go once the 1st is 10 s (+1 s) old
        PimException held = catchThrowableOfType(
                PimException.class, () -> throttle.awaitClear(Duration.ofSeconds(5), "POST", "/w"));
        assertThat(held.kind()).isEqualTo(Kind.RETRY);
        assertThat(held.httpStatus()).as("jobs keep their retries for it").isEqualTo(429);
        assertThat(held.retryAfter()).isEqualTo(Duration.between(time.instant(), t0.plusSeconds(11)));
        assertThat(throttle.pacedWrites()).isEqualTo(1);

        time.advance(Duration.ofSeconds(5)); // 3 s left: within maxBackoff, the write sleeps until then
        Future<?> write = pool.submit(() -> throttle.awaitClear(Duration.ofSeconds(5), "POST", "/w"));
        time.awaitSleepers(1);
        assertThat(write).isNotDone();
        time.advance(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(10)).until(write::isDone);
        assertThat(time.instant()).isEqualTo(t0.plusSeconds(11));
    }

    @Test
    void theCapMustBePositive() {
        assertThatThrownBy(() -> new GraphThrottle(time, time, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRetryAfter");
    }

    @Test
    void theLaterOfTwoRetryAftersWins() {
        Instant t0 = time.instant();
        throttle.throttle(Duration.ofSeconds(60));
        throttle.throttle(Duration.ofSeconds(10)); // an answer to a request sent before the first 429 arrived
        assertThat(throttle.throttledUntil()).contains(t0.plusSeconds(60));
        time.advance(Duration.ofSeconds(30));
        throttle.throttle(Duration.ofSeconds(40));
        assertThat(throttle.throttledUntil()).contains(t0.plusSeconds(70));
    }

    @Test
    void serverErrorsWithoutRetryAfterDoNotHoldTheNodeBack() {
        fault("{\"status\":503,\"count\":1}");
        GraphPimClient client = client(Duration.ofSeconds(5));
        // the client's own back-off (a real 50 ms or less) and then the answer; nobody else waits
        assertThat(client.roleDefinition(USER_ADMINISTRATOR_ROLE_ID).displayName())
                .isEqualTo("User Administrator");
        assertThat(client.throttledUntil()).isEmpty();
        assertThat(throttle.waits()).isZero();
    }

    // ------------------------------------------------------------------ helpers

    private GraphPimClient client(Duration maxBackoff) {
        return new GraphPimClient(
                new GraphClientSettings(
                        simulator.baseUrl(), Duration.ofSeconds(10), 3, Duration.ofMillis(10), maxBackoff),
                new SimulatorTokenCredential(),
                GraphPimClient.DEFAULT_SCOPE,
                throttle);
    }

    private static RemovalRequest removal() {
        return new RemovalRequest(
                ALINE_ID, USER_ADMINISTRATOR_ROLE_ID, "/", "Ticket closed", "CONTOSO:Throttle", "Contoso ICM");
    }

    private static void fault(String json) {
        assertThat(http.post("/_simulator/faults", null, json).status()).isEqualTo(201);
    }

    /** Armed after the faults under test: counts every Graph request that none of them answered. */
    private static void countRequests() {
        fault("{\"delayMillis\":1,\"count\":" + COUNTER + "}");
    }

    /** Graph requests the simulator received: the one fault under test (count 1) went first, then the counter. */
    private static int received() {
        var faults = http.get("/_simulator/faults", null).body().path("value");
        assertThat(faults.size()).as("only the counter is left: %s", faults).isEqualTo(1);
        assertThat(faults.get(0).path("delayMillis").asLong()).isEqualTo(1);
        return 1 + COUNTER - faults.get(0).path("count").asInt();
    }

    /** A clock the test moves, and sleeps that end when it has moved far enough. */
    private static final class ManualTime extends Clock implements GraphThrottle.Sleeper {
        private Instant now = Instant.parse("2030-01-01T00:00:00Z");
        private int sleepers;

        @Override
        public synchronized Instant instant() {
            return now;
        }

        @Override
        public synchronized void sleep(Duration duration) throws InterruptedException {
            Instant wake = now.plus(duration);
            sleepers++;
            notifyAll();
            try {
                while (now.isBefore(wake)) {
                    wait();
                }
            } finally {
                sleepers--;
                notifyAll();
            }
        }

        synchronized void advance(Duration d) {
            now = now.plus(d);
            notifyAll();
        }

        synchronized int sleepers() {
            return sleepers;
        }

        synchronized void awaitSleepers(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (sleepers < n) {
                long left = deadline - System.nanoTime();
                assertThat(left)
                        .as("%d callers waiting, expected %d", sleepers, n)
                        .isPositive();
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
