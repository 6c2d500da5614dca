package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.pim.graph.GraphThrottle;
import dev.pimflow.workflow.process.ThrottledJobsKeepTheirRetries;
import dev.pimflow.workflow.support.EndToEndTestBase;
import dev.pimflow.workflow.support.TicketSystem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Graph's write quota through the whole orchestrator (DESIGN §9.4, issue 16): the simulator enforces a write quota so
 * low (2 per 3 s) that five lifecycles need several windows, and the node is told the same quota
 * ({@code pim.graph.writes-per-window}, as an operator sets Graph's). The node spends it without ever exceeding it: no
 * write is throttled and none arrives while a {@code Retry-After} runs; jobs that wait longer than
 * {@code pim.graph.max-backoff} are postponed with their retries kept, none becomes an incident, and every activation
 * still becomes active and is revoked when its ticket closes.
 */
@TestPropertySource(
        properties = {
            "camunda.bpm.process-engine-name=quotae2etest",
            "pim.simulator.quota.enabled=true",
            "pim.simulator.quota.writes-per-window=2",
            "pim.simulator.quota.write-window=PT3S",
            "pim.graph.writes-per-window=2",
            "pim.graph.write-window=PT3S",
            "pim.graph.max-backoff=PT1S"
        })
class GraphsQuotaIsSpentWithoutExceedingItEndToEndTest extends EndToEndTestBase {
    private static final int ACTIVATIONS = 5;
    private static final Duration LONGER = Duration.ofSeconds(90);

    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    GraphThrottle throttle;

    @Autowired
    MeterRegistry meters;

    @Autowired
    RuntimeService runtime;

    @Test
    void writesWaitForTheQuotaInsteadOfMeetingA429AndNoJobSpendsARetryOnIt() throws Exception {
        long throttledJobsBefore = throttledJobs();
        JsonNode quota = json.readTree(simulatorControl("GET", "/quota", null).body());
        assertThat(quota.path("enabled").asBoolean()).isTrue();
        assertThat(quota.path("writesPerWindow").asInt()).isEqualTo(2);
        long writesBefore = quota.path("write").path("served").asLong();

        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> ticketNumbers = new ArrayList<>();
        for (int i = 0; i < ACTIVATIONS; i++) {
            String ticket = "CONTOSO:Quota-" + run + "-" + i;
            ObjectNode request = tickets.activationRequest(ticket, ALINE, "PT5H");
            // PIM allows one active assignment per principal, role and scope: one administrative unit each
            request.put("directoryScopeId", "/administrativeUnits/" + UUID.nameUUIDFromBytes((run + i).getBytes()));
            tickets.send(
                    "tickets.events",
                    TicketSystem.CONTOSO_ICM + ":" + ticket,
                    EventTypes.TICKET_ACTIVATION_REQUESTED,
                    request);
            ticketNumbers.add(ticket);
        }
        List<String> activationIds = new ArrayList<>();
        for (String ticket : ticketNumbers) {
            JsonNode challenge = topics.awaitEvent(
                            "pim.mfa.challenges",
                            LONGER,
                            e -> ticket.equals(
                                    e.path("data").path("ticketNumber").asText()))
                    .path("data");
            String challengeId = challenge.path("challengeId").asText();
            tickets.respondToChallenge(challengeId, gateway.sign(ALINE, challengeId, true, Duration.ofMinutes(5)));
            activationIds.add(challenge.path("activationId").asText());
        }
        for (String id : activationIds) {
            await().atMost(LONGER).until(() -> Status.ACTIVE.is(statusOf(id)));
        }
        ticketNumbers.forEach(tickets::closeTicket);
        for (String id : activationIds) {
            await().atMost(LONGER).until(() -> Status.REVOKED.is(statusOf(id)));
        }

        JsonNode seen = json.readTree(simulatorControl("GET", "/quota", null).body());
        assertThat(seen.path("write").path("served").asLong() - writesBefore)
                .as("an assignment and a removal per activation, each sent once: %s", seen)
                .isEqualTo(2L * ACTIVATIONS);
        assertThat(seen.path("write").path("throttled").asLong())
                .as("writes Graph throttled: %s", seen)
                .isZero();
        assertThat(seen.path("write").path("duringRetryAfter").asLong())
                .as("writes sent while Graph's Retry-After ran: %s", seen)
                .isZero();
        assertThat(seen.path("read").path("duringRetryAfter").asLong())
                .as("reads sent while Graph's Retry-After ran: %s", seen)
                .isZero();
        assertThat(runtime.createIncidentQuery().count()).as("incidents").isZero();
        assertThat(throttledJobs())
                .as("jobs postponed for the quota, counted in %s", ThrottledJobsKeepTheirRetries.THROTTLED_JOBS)
                .isGreaterThan(throttledJobsBefore);
        assertThat(throttle.pacedWrites())
                .as("writes that waited for the quota")
                .isPositive();
    }

    private long throttledJobs() {
        return meters.find(ThrottledJobsKeepTheirRetries.THROTTLED_JOBS).timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }
}
