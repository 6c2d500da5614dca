package dev.pimflow.workflow.process;

import static dev.pimflow.workflow.process.ProcessElements.*;
import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.workflow.activation.MfaOutcome;
import dev.pimflow.workflow.activation.MfaResponseHandler;
import dev.pimflow.workflow.activation.TicketEventHandler;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.assertions.bpmn.AbstractAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One test per path of ticket-activation.bpmn, with the real delegates and the Graph simulator; the job executor is
 * off, so each test drives jobs and timers itself and asserts the path taken.
 */
// its own engine name (no hyphens: Camunda ignores those): engine REST and Cockpit look engines up by name in a
// JVM-wide registry;
// history level activity, because the path assertions (hasPassed) read Camunda's activity history, which the default
// level (lean) does not keep
@SpringBootTest(
        properties = {
            "camunda.bpm.job-execution.enabled=false",
            "camunda.bpm.process-engine-name=processtest",
            "camunda.bpm.history-level=activity"
        })
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1)
class TicketActivationProcessTest {
    @Autowired
    ProcessEngine engine;

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
    EventCodec codec;

    @Autowired
    dev.pimflow.audit.AuditTrail audit;

    private final MfaAssertionSigner gateway = new MfaAssertionSigner(
            dev.pimflow.workflow.support.EndToEndTestBase.DEV_SECRET, java.time.Clock.systemUTC());
    private String ticket;

    @BeforeEach
    void init() {
        AbstractAssertions.init(engine);
        ticket = "CONTOSO:Process-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void notEligiblePrincipalIsDenied() {
        ProcessInstance pi = request(BOB, "PT1H");
        run(pi, TASK_VALIDATE_REQUEST);
        assertThat(pi)
                .hasPassedInOrder(TASK_VALIDATE_REQUEST, END_REQUEST_INVALID, TASK_RECORD_DENIED, END_DENIED)
                .isEnded();
        assertThat(activation(pi).status()).isEqualTo(Status.DENIED.wire());
        assertThat(activation(pi).reason()).isEqualTo(Reason.NOT_ELIGIBLE.wire());
    }

    @Test
    void durationAbovePolicyMaximumIsDenied() {
        ProcessInstance pi = request(ALINE, "PT9H");
        run(pi, TASK_VALIDATE_REQUEST);
        assertThat(pi).hasPassed(END_REQUEST_INVALID, END_DENIED).isEnded();
        assertThat(activation(pi).reason()).startsWith(Reason.DURATION_EXCEEDS_POLICY.wire());
    }

    @Test
    void approvedActivationIsRevokedAtTheEndOfItsDuration() {
        ProcessInstance pi = requestAndApprove();
        assertThat(pi).isWaitingAt(GATEWAY_AWAIT_END);
        assertThat(activation(pi).status()).isEqualTo(Status.ACTIVE.wire());

        run(pi, CATCH_ACTIVATION_ENDS);
        run(pi, TASK_REVOKE_ROLE);
        assertThat(pi)
                .hasPassedInOrder(
                        TASK_ACTIVATE_ROLE, END_ACTIVATED, CATCH_ACTIVATION_ENDS, TASK_REVOKE_ROLE, END_REVOKED)
                .isEnded();
        assertThat(activation(pi).status()).isEqualTo(Status.REVOKED.wire());
        assertThat(activation(pi).reason()).isEqualTo(Reason.EXPIRED.wire());
    }

    @Test
    void ticketClosureRevokesAnActiveActivation() {
        ProcessInstance pi = requestAndApprove();
        close();
        run(pi, TASK_REVOKE_ROLE);
        assertThat(pi)
                .hasPassedInOrder(END_ACTIVATED, CATCH_TICKET_CLOSED, TASK_REVOKE_ROLE, END_REVOKED)
                .isEnded();
        assertThat(activation(pi).reason()).isEqualTo(Reason.TICKET_CLOSED.wire());
    }

    @Test
    void manualRevokeRevokesAnActiveActivation() {
        ProcessInstance pi = requestAndApprove();
        runtime.createMessageCorrelation(MESSAGE_REVOKE_REQUESTED)
                .processInstanceId(pi.getId())
                .correlate();
        run(pi, TASK_REVOKE_ROLE);
        assertThat(pi)
                .hasPassedInOrder(CATCH_REVOKE_REQUESTED, TASK_REVOKE_ROLE, END_REVOKED)
                .isEnded();
        assertThat(activation(pi).reason()).isEqualTo(Reason.MANUAL.wire());
    }

    @Test
    void ticketReassignmentRevokesAnActiveActivation() {
        ProcessInstance pi = requestAndApprove();
        reassign(pi);
        run(pi, TASK_REVOKE_ROLE);
        assertThat(pi)
                .hasPassedInOrder(END_ACTIVATED, CATCH_TICKET_REASSIGNED, TASK_REVOKE_ROLE, END_REVOKED)
                .isEnded();
        assertThat(activation(pi).status()).isEqualTo(Status.REVOKED.wire());
        assertThat(activation(pi).reason()).isEqualTo(Reason.TICKET_REASSIGNED.wire());
    }

    @Test
    void ticketReassignedWhilePendingCancelsTheActivation() {
        ProcessInstance pi = request(ALINE, "PT1H");
        run(pi, TASK_VALIDATE_REQUEST);
        assertThat(pi).isWaitingAt(GATEWAY_AWAIT_MFA);
        reassign(pi);
        run(pi, TASK_CANCEL_PENDING);
        assertThat(pi)
                .hasPassedInOrder(BOUNDARY_REASSIGNED_WHILE_PENDING, TASK_CANCEL_PENDING, END_CANCELLED)
                .isEnded();
        assertThat(pi).hasNotPassed(TASK_ACTIVATE_ROLE, BOUNDARY_TICKET_CLOSED_WHILE_PENDING);
        assertThat(activation(pi).status()).isEqualTo(Status.CANCELLED.wire());
        assertThat(activation(pi).reason()).isEqualTo(Reason.TICKET_REASSIGNED.wire());
    }

    @Test
    void requestForARoleAnotherTicketHoldsActiveIsDenied() {
        ProcessInstance holder = requestAndApprove();
        String holderTicket = ticket;
        ticket = "CONTOSO:Process-" + UUID.randomUUID().toString().substring(0, 8);
        ProcessInstance second = request(ALINE, "PT1H");
        run(second, TASK_VALIDATE_REQUEST);
        assertThat(second).hasPassed(END_REQUEST_INVALID, END_DENIED).isEnded();
        assertThat(activation(second).reason())
                .isEqualTo(Reason.ROLE_ACTIVE_FOR_ANOTHER_TICKET.wire() + ": " + CONTOSO_ICM + " " + holderTicket);
        // the holder is untouched: still active, waiting for its own end
        assertThat(holder).isWaitingAt(GATEWAY_AWAIT_END);
        ticket = holderTicket;
        close();
        run(holder, TASK_REVOKE_ROLE);
        assertThat(holder).isEnded();
    }

    @Test
    void mfaDenialDeniesTheActivation() {
        ProcessInstance pi = request(ALINE, "PT1H");
        run(pi, TASK_VALIDATE_REQUEST);
        assertThat(pi).isWaitingAt(GATEWAY_AWAIT_MFA);
        assertThat(respond(pi, false)).isNull();
        assertThat(pi)
                .hasPassedInOrder(CATCH_MFA_RESPONSE, END_MFA_DENIED, TASK_RECORD_DENIED, END_DENIED)
                .isEnded();
        assertThat(activation(pi).reason()).isEqualTo(Reason.MFA_DENIED.wire());
        assertThat(pi).hasNotPassed(TASK_ACTIVATE_ROLE);
    }

    @Test
    void mfaTimeoutDeniesTheActivation() {
        ProcessInstance pi = request(ALINE, "PT1H");
        run(pi, TASK_VALIDATE_REQUEST);
        run(pi, CATCH_MFA_TIMEOUT);
        assertThat(pi)
                .hasPassedInOrder(CATCH_MFA_TIMEOUT, END_MFA_TIMED_OUT, TASK_RECORD_DENIED, END_DENIED)
                .isEnded();
        assertThat(activation(pi).reason()).isEqualTo(Reason.MFA_TIMEOUT.wire());
    }

    @Test
    void ticketClosedWhilePendingCancelsTheActivation() {
        ProcessInstance pi = request(ALINE, "PT1H");
        run(pi, TASK_VALIDATE_REQUEST);
        assertThat(pi).isWaitingAt(GATEWAY_AWAIT_MFA);
        close();
        run(pi, TASK_CANCEL_PENDING);
        assertThat(pi)
                .hasPassedInOrder(BOUNDARY_TICKET_CLOSED_WHILE_PENDING, TASK_CANCEL_PENDING, END_CANCELLED)
                .isEnded();
        assertThat(pi).hasNotPassed(TASK_ACTIVATE_ROLE);
        assertThat(activation(pi).status()).isEqualTo(Status.CANCELLED.wire());
    }

    @Test
    void ticketClosedBeforeValidationCancelsTheActivation() {
        ProcessInstance pi = request(ALINE, "PT1H");
        close();
        run(pi, TASK_CANCEL_PENDING);
        assertThat(pi)
                .hasPassed(END_CANCELLED)
                .hasNotPassed(TASK_VALIDATE_REQUEST)
                .isEnded();
    }

    @Test
    void requestForAnAlreadyClosedTicketIsDenied() {
        close();
        ProcessInstance pi = request(ALINE, "PT1H");
        run(pi, TASK_VALIDATE_REQUEST);
        assertThat(pi).hasPassed(END_REQUEST_INVALID, END_DENIED).isEnded();
        assertThat(activation(pi).reason()).isEqualTo(Reason.TICKET_CLOSED.wire());
    }

    @Test
    void secondRequestForALiveActivationIsANoOp() {
        ProcessInstance first = request(ALINE, "PT1H");
        tx.executeWithoutResult(s -> ticketEvents.activationRequested(
                event(EventTypes.TICKET_ACTIVATION_REQUESTED),
                new ActivationRequested(
                        CONTOSO_ICM, ticket, ALINE, USER_ADMINISTRATOR, "/", "again", Duration.ofHours(1))));
        assertThat(runtime.createProcessInstanceQuery()
                        .processInstanceBusinessKey(ticket)
                        .count())
                .isEqualTo(1);
        assertThat(store.findByTicket(CONTOSO_ICM, ticket)).hasSize(1);
        run(first, TASK_VALIDATE_REQUEST);
        assertThat(first).isWaitingAt(GATEWAY_AWAIT_MFA);
    }

    @Test
    void forgedMfaApprovalIsRejectedAndActivatesNothing() {
        ProcessInstance pi = request(ALINE, "PT1H");
        run(pi, TASK_VALIDATE_REQUEST);
        String challengeId = activation(pi).challengeId();
        MfaAssertionSigner forger =
                new MfaAssertionSigner("an-attacker-secret-that-is-long-enough-0123", java.time.Clock.systemUTC());
        InvalidEventException rejected = rejection(tx.execute(s -> mfaResponses.respond(
                new MfaResponse(challengeId, forger.sign(ALINE, challengeId, true, Duration.ofMinutes(1))))));
        assertThat(rejected).isNotNull();
        assertThat(rejected.field()).isEqualTo("data.assertion");
        assertThat(pi).isWaitingAt(GATEWAY_AWAIT_MFA);
    }

    /**
     * DESIGN §6.1 against insiders: an mfa.response correlated with {@code mfaApproved=true} by anyone but pimflow's MFA
     * path (here in-process, around every surface's guard) moves the token to the activation step, which finds no
     * approval pimflow verified, assigns nothing and denies.
     */
    @Test
    void mfaMessageWithoutAVerifiedApprovalIsDeniedAtTheActivationStep() {
        ProcessInstance pi = request(ALINE, "PT1H");
        run(pi, TASK_VALIDATE_REQUEST);
        runtime.createMessageCorrelation(MESSAGE_MFA_RESPONSE)
                .processInstanceId(pi.getId())
                .setVariable(ProcessElements.Vars.MFA_APPROVED, true)
                .correlate();
        assertThat(pi).isWaitingAt(TASK_ACTIVATE_ROLE);
        run(pi, TASK_ACTIVATE_ROLE);
        assertThat(pi)
                .hasPassedInOrder(TASK_ACTIVATE_ROLE, TASK_RECORD_DENIED, END_DENIED)
                .hasNotPassed(END_ACTIVATED)
                .isEnded();
        assertThat(activation(pi).status()).isEqualTo(Status.DENIED.wire());
        assertThat(activation(pi).reason()).isEqualTo(Reason.MFA_NOT_VERIFIED.wire());
        assertThat(activation(pi).pimRequestId()).isNull();
        assertThat(auditActions(pi)).contains(AuditAction.ACTIVATION_REFUSED.wire());
    }

    /** The same for a token moved past Await MFA with Camunda's process instance modification. */
    @Test
    void instanceModifiedPastTheMfaWaitIsDeniedAtTheActivationStep() {
        ProcessInstance pi = request(ALINE, "PT1H");
        run(pi, TASK_VALIDATE_REQUEST);
        runtime.createProcessInstanceModification(pi.getId())
                .startBeforeActivity(TASK_ACTIVATE_ROLE)
                .cancelAllForActivity(GATEWAY_AWAIT_MFA)
                .execute();
        run(pi, TASK_ACTIVATE_ROLE);
        assertThat(pi)
                .hasPassed(TASK_RECORD_DENIED, END_DENIED)
                .hasNotPassed(END_ACTIVATED)
                .isEnded();
        assertThat(activation(pi).reason()).isEqualTo(Reason.MFA_NOT_VERIFIED.wire());
        assertThat(activation(pi).pimRequestId()).isNull();
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private java.util.List<String> auditActions(ProcessInstance pi) {
        String id = activation(pi).id();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> audit.pendingFor(id) == 0);
        return audit.forActivation(id).stream()
                .map(dev.pimflow.audit.AuditRecord::action)
                .toList();
    }

    private ProcessInstance requestAndApprove() {
        ProcessInstance pi = request(ALINE, "PT1H");
        run(pi, TASK_VALIDATE_REQUEST);
        assertThat(pi).isWaitingAt(GATEWAY_AWAIT_MFA);
        assertThat(respond(pi, true)).isNull();
        assertThat(pi).isWaitingAt(TASK_ACTIVATE_ROLE);
        run(pi, TASK_ACTIVATE_ROLE);
        return pi;
    }

    /** Runs the one job of this instance that waits at the given activity (async continuation or timer). */
    private void run(ProcessInstance pi, String activityId) {
        Job job = engine.getManagementService()
                .createJobQuery()
                .processInstanceId(pi.getId())
                .activityId(activityId)
                .singleResult();
        assertThat(job).as("job at " + activityId).isNotNull();
        engine.getManagementService().executeJob(job.getId());
    }

    private ProcessInstance request(String principal, String duration) {
        tx.executeWithoutResult(s -> ticketEvents.activationRequested(
                event(EventTypes.TICKET_ACTIVATION_REQUESTED),
                new ActivationRequested(
                        CONTOSO_ICM,
                        ticket,
                        principal,
                        USER_ADMINISTRATOR,
                        "/",
                        "process test",
                        Duration.parse(duration))));
        Activation a = store.findByTicket(CONTOSO_ICM, ticket).stream()
                .reduce((x, y) -> y)
                .orElseThrow();
        return runtime.createProcessInstanceQuery()
                .processInstanceId(a.processInstanceId())
                .singleResult();
    }

    /** What the ticket listener does when a ticket.assigned drops the principal (pim.tickets.require-assignee). */
    private void reassign(ProcessInstance pi) {
        runtime.createMessageCorrelation(MESSAGE_TICKET_REASSIGNED)
                .processInstanceId(pi.getId())
                .correlate();
    }

    private void close() {
        tx.executeWithoutResult(s -> ticketEvents.ticketClosed(
                event(EventTypes.TICKET_CLOSED), new TicketClosed(CONTOSO_ICM, ticket, Instant.now(), "done")));
    }

    private InvalidEventException respond(ProcessInstance pi, boolean approved) {
        Activation a = activation(pi);
        return rejection(tx.execute(s -> mfaResponses.respond(new MfaResponse(
                a.challengeId(), gateway.sign(a.principalId(), a.challengeId(), approved, Duration.ofMinutes(1))))));
    }

    /** The rejection of a refused response, null for an accepted one. */
    private static InvalidEventException rejection(MfaOutcome outcome) {
        if (outcome instanceof MfaOutcome.Rejected r) {
            return r.rejection();
        }
        return outcome instanceof MfaOutcome.UnknownChallenge u ? u.rejection() : null;
    }

    private Activation activation(ProcessInstance pi) {
        return store.findByTicket(CONTOSO_ICM, ticket).stream()
                .filter(a -> pi.getId().equals(a.processInstanceId()))
                .findFirst()
                .orElseThrow();
    }

    private static InboundEvent event(String type) {
        ObjectNode empty = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        return new InboundEvent(UUID.randomUUID().toString(), type, "urn:test", null, empty);
    }
}
