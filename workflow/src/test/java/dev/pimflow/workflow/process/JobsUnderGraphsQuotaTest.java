package dev.pimflow.workflow.process;

import static dev.pimflow.workflow.process.ProcessElements.*;
import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.pim.graph.GraphThrottle;
import dev.pimflow.pim.simulator.GraphSimulator;
import dev.pimflow.workflow.activation.MfaOutcome;
import dev.pimflow.workflow.activation.MfaResponseHandler;
import dev.pimflow.workflow.activation.TicketEventHandler;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.Page;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.AcquirableJobEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * DESIGN §6.6, Graph's quota: revocations are acquired before activations, and those before validations (job
 * priorities, acquisition by priority then due date); a job that Graph throttles waits its {@code Retry-After} and
 * keeps its retries, however often it is throttled. The same engine settings as {@link TicketActivationProcessTest}:
 * the job executor is off, the tests run the engine's acquisition query and the jobs themselves, on a Camunda clock they
 * set. The node's Graph throttle (the "wait until T" every call respects) reads that clock too, so a Retry-After runs
 * out when the test moves the clock past it; its own context keeps the throttle it leaves behind from other tests.
 */
@SpringBootTest(
        properties = {
            "camunda.bpm.job-execution.enabled=false",
            "camunda.bpm.process-engine-name=quotatest",
            "camunda.bpm.history-level=activity"
        })
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1)
class JobsUnderGraphsQuotaTest {

    /**
     * Days the throttle's clock runs ahead of the engine's: one more after each test, so a Retry-After a test left
     * behind (at most an hour of the test's clock) has run out for the next one.
     */
    private static final AtomicLong DAYS_AHEAD = new AtomicLong();

    @TestConfiguration
    static class ThrottleOnTheEnginesClock {
        @Bean
        @Primary
        GraphThrottle throttleOnTheEnginesClock() {
            Clock engineClock = new Clock() {
                @Override
                public ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return ClockUtil.now().toInstant().plus(Duration.ofDays(DAYS_AHEAD.get()));
                }
            };
            return new GraphThrottle(engineClock, d -> Thread.sleep(d.toMillis()));
        }
    }

    private static final int EACH = 3;
    private static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    @Autowired
    ProcessEngine engine;

    @Autowired
    ManagementService management;

    @Autowired
    RuntimeService runtime;

    @Autowired
    TicketEventHandler ticketEvents;

    @Autowired
    MfaResponseHandler mfaResponses;

    @Autowired
    ActivationStore store;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    GraphSimulator simulator;

    private final MfaAssertionSigner gateway = new MfaAssertionSigner(EndToEndTestBase.DEV_SECRET, Clock.systemUTC());
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void restore() throws Exception {
        ClockUtil.reset();
        DAYS_AHEAD.incrementAndGet();
        fault("DELETE", null);
    }

    /**
     * Jobs of every kind are due, the validations longest, the revocations last: the engine's acquisition query takes
     * the revocations and cancellations first, then the activations, then the validations, each kind oldest first.
     */
    @Test
    void revocationsAreAcquiredBeforeActivationsBeforeValidations() {
        List<String> mine = new ArrayList<>();
        at(0);
        for (int i = 0; i < EACH; i++) {
            mine.add(request("Validate-" + i)); // waits at validate
        }
        at(1);
        for (int i = 0; i < EACH; i++) {
            String ticket = "Activate-" + i;
            mine.add(request(ticket));
            run(instanceOf(ticket), TASK_VALIDATE_REQUEST);
            approve(ticket); // waits at activate
        }
        at(2);
        for (int i = 0; i < EACH; i++) {
            String ticket = "Cancel-" + i;
            mine.add(request(ticket));
            run(instanceOf(ticket), TASK_VALIDATE_REQUEST);
            close(ticket); // waits at cancel pending
        }
        // PIM holds one assignment per principal and role: the revocations are started at the revoke step, as
        // Cockpit's instance modification would, which is how an end of duration or a closure reaches it
        for (int i = 0; i < EACH; i++) {
            String ticket = "Revoke-" + i;
            at(3 + i);
            mine.add(request(ticket));
            runtime.createProcessInstanceModification(instanceOf(ticket))
                    .cancelAllForActivity(TASK_VALIDATE_REQUEST)
                    .startBeforeActivity(TASK_REVOKE_ROLE)
                    .execute(); // waits at revoke, the newest jobs of all
        }
        at(60);

        List<String> acquired = acquisitionOrder(mine);

        assertThat(acquired)
                .containsExactly(
                        TASK_CANCEL_PENDING,
                        TASK_CANCEL_PENDING,
                        TASK_CANCEL_PENDING,
                        TASK_REVOKE_ROLE,
                        TASK_REVOKE_ROLE,
                        TASK_REVOKE_ROLE,
                        TASK_ACTIVATE_ROLE,
                        TASK_ACTIVATE_ROLE,
                        TASK_ACTIVATE_ROLE,
                        TASK_VALIDATE_REQUEST,
                        TASK_VALIDATE_REQUEST,
                        TASK_VALIDATE_REQUEST);
    }

    /**
     * Graph throttles the assignment 20 times (more than any retry cycle), each time with a Retry-After of a minute:
     * every attempt leaves the job's retries as they were, due a minute later, without an incident; the 21st assigns.
     */
    @Test
    void aThrottledJobWaitsForGraphWithoutSpendingItsRetries() throws Exception {
        String ticket = "Throttled";
        request(ticket);
        String pi = instanceOf(ticket);
        run(pi, TASK_VALIDATE_REQUEST);
        approve(ticket);
        fault(
                "POST",
                "{\"status\":429,\"retryAfterSeconds\":60,\"count\":20,"
                        + "\"pathContains\":\"roleAssignmentScheduleRequests\",\"method\":\"POST\"}");

        Integer retries = null;
        for (int attempt = 1; attempt <= 20; attempt++) {
            at(attempt * 100);
            Job job = job(pi, TASK_ACTIVATE_ROLE);
            assertThatThrownBy(() -> management.executeJob(job.getId())).hasMessageContaining("429");
            Job after = job(pi, TASK_ACTIVATE_ROLE);
            if (retries == null) {
                retries = after.getRetries(); // the retry cycle's count (R3), not decremented
                assertThat(retries).isEqualTo(3);
            }
            assertThat(after.getRetries())
                    .as("retries after attempt " + attempt)
                    .isEqualTo(retries);
            assertThat(after.getDuedate()).isEqualTo(Date.from(T0.plusSeconds(attempt * 100 + 60)));
            assertThat(after.getExceptionMessage()).contains("throttling").contains("keeps its retries");
            assertThat(runtime.createIncidentQuery().processInstanceId(pi).count())
                    .isZero();
        }

        at(21 * 100); // the last Retry-After has run out
        run(pi, TASK_ACTIVATE_ROLE);
        assertThat(activation(ticket).status()).isEqualTo(Status.ACTIVE.wire());
        assertThat(engine.getHistoryService()
                        .createHistoricIncidentQuery()
                        .processInstanceId(pi)
                        .count())
                .isZero();

        close(ticket); // and Aline's assignment ends, as the other process tests expect of the tenant
        run(pi, TASK_REVOKE_ROLE);
        assertThat(activation(ticket).status()).isEqualTo(Status.REVOKED.wire());
    }

    /** Any other failure that Graph asks to wait for (here a 503 with Retry-After) spends retries, then is an incident. */
    @Test
    void otherRetryableFailuresSpendTheRetryCycleAndBecomeAnIncident() throws Exception {
        String ticket = "Unavailable";
        request(ticket);
        String pi = instanceOf(ticket);
        run(pi, TASK_VALIDATE_REQUEST);
        approve(ticket);
        fault(
                "POST",
                "{\"status\":503,\"retryAfterSeconds\":60,\"count\":20,"
                        + "\"pathContains\":\"roleAssignmentScheduleRequests\",\"method\":\"POST\"}");

        for (int expected = 2; expected >= 0; expected--) {
            at((3 - expected) * 100); // past the Retry-After the node saw, as the job's next due date would be
            Job job = job(pi, TASK_ACTIVATE_ROLE);
            assertThatThrownBy(() -> management.executeJob(job.getId())).hasMessageContaining("503");
            assertThat(job(pi, TASK_ACTIVATE_ROLE).getRetries()).isEqualTo(expected);
        }
        assertThat(runtime.createIncidentQuery().processInstanceId(pi).singleResult())
                .isNotNull()
                .satisfies(incident -> assertThat(incident.getIncidentMessage())
                        .contains("Activate role in PIM")
                        .contains("HTTP 503")
                        .contains("Increment Number of Retries"));
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** Activity ids of this test's jobs, in the order the job executor's acquisition query returns them. */
    private List<String> acquisitionOrder(List<String> ticketsOfThisTest) {
        Map<String, String> activityOfDefinition = new HashMap<>();
        management
                .createJobDefinitionQuery()
                .list()
                .forEach(d -> activityOfDefinition.put(d.getId(), d.getActivityId()));
        Map<String, String> activityOfJob = new HashMap<>();
        management
                .createJobQuery()
                .list()
                .forEach(j -> activityOfJob.put(j.getId(), activityOfDefinition.get(j.getJobDefinitionId())));
        List<String> instances =
                ticketsOfThisTest.stream().map(this::instanceOf).toList();
        ProcessEngineConfigurationImpl configuration =
                (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
        List<AcquirableJobEntity> due = configuration
                .getCommandExecutorTxRequired()
                .execute(context -> context.getJobManager().findNextJobsToExecute(new Page(0, 1000)));
        return due.stream()
                .filter(j -> instances.contains(j.getProcessInstanceId()))
                .map(j -> activityOfJob.get(j.getId()))
                .toList();
    }

    private void at(int seconds) {
        ClockUtil.setCurrentTime(Date.from(T0.plusSeconds(seconds)));
    }

    private Job job(String processInstanceId, String activityId) {
        return management
                .createJobQuery()
                .processInstanceId(processInstanceId)
                .activityId(activityId)
                .singleResult();
    }

    private void run(String processInstanceId, String activityId) {
        Job job = job(processInstanceId, activityId);
        assertThat(job).as("job at " + activityId).isNotNull();
        management.executeJob(job.getId());
    }

    private void fault(String method, String body) throws Exception {
        String url = simulator.baseUrl().replace("/v1.0", "") + "/_simulator/faults";
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isLessThan(300);
    }

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private String ticketNumber(String ticket) {
        return "CONTOSO:Quota-" + run + "-" + ticket;
    }

    /** Requests an activation for Aline on the ticket; returns the ticket. */
    private String request(String ticket) {
        tx.executeWithoutResult(s -> ticketEvents.activationRequested(
                event(EventTypes.TICKET_ACTIVATION_REQUESTED),
                new ActivationRequested(
                        CONTOSO_ICM,
                        ticketNumber(ticket),
                        ALINE,
                        USER_ADMINISTRATOR,
                        "/",
                        "quota test",
                        Duration.ofHours(1))));
        return ticket;
    }

    private void approve(String ticket) {
        Activation a = activation(ticket);
        MfaOutcome outcome = tx.execute(s -> mfaResponses.respond(new MfaResponse(
                a.challengeId(), gateway.sign(a.principalId(), a.challengeId(), true, Duration.ofMinutes(1)))));
        assertThat(outcome).isInstanceOf(MfaOutcome.Accepted.class);
    }

    private void close(String ticket) {
        tx.executeWithoutResult(s -> ticketEvents.ticketClosed(
                event(EventTypes.TICKET_CLOSED),
                new TicketClosed(CONTOSO_ICM, ticketNumber(ticket), Instant.now(), "done")));
    }

    private Activation activation(String ticket) {
        return store.findByTicket(CONTOSO_ICM, ticketNumber(ticket)).stream()
                .findFirst()
                .orElseThrow();
    }

    private String instanceOf(String ticket) {
        return activation(ticket).processInstanceId();
    }

    private static InboundEvent event(String type) {
        return new InboundEvent(
                UUID.randomUUID().toString(), type, "urn:test", null, new ObjectMapper().createObjectNode());
    }
}
