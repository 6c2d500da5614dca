package dev.pimflow.workflow.process;

import static dev.pimflow.workflow.process.ProcessElements.*;
import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.contracts.seed.TutorialTenant;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.workflow.activation.ApprovalDecisions;
import dev.pimflow.workflow.activation.ExtensionRequests;
import dev.pimflow.workflow.activation.MfaOutcome;
import dev.pimflow.workflow.activation.MfaResponseHandler;
import dev.pimflow.workflow.activation.TicketEventHandler;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Extensions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * One test per path of the extension subprocess of ticket-activation.bpmn (DESIGN §9.3): extended (with and without
 * approval again), over the policy's maximum, MFA denied, the ticket closed while the extension waits, a second request
 * while one waits, and guarantee 1 for extensions (no extension without the person's MFA answer to its own challenge).
 * Real delegates and the Graph simulator; the job executor is off. Same Spring context as {@link ApprovalProcessTest}.
 */
@SpringBootTest(
        properties = {
            "camunda.bpm.job-execution.enabled=false",
            "camunda.bpm.process-engine-name=processtest",
            "camunda.bpm.history-level=activity"
        })
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1)
class ExtensionProcessTest {
    static final String APPROVAL_ROLE = ApprovalProcessTest.APPROVAL_ROLE;
    static final String NORA = ApprovalProcessTest.NORA;

    @Autowired
    ProcessEngine engine;

    @Autowired
    RuntimeService runtime;

    @Autowired
    TicketEventHandler ticketEvents;

    @Autowired
    MfaResponseHandler mfaResponses;

    @Autowired
    ExtensionRequests extensionRequests;

    @Autowired
    ApprovalDecisions decisions;

    @Autowired
    Approvals approvals;

    @Autowired
    Extensions extensions;

    @Autowired
    ActivationStore store;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    dev.pimflow.audit.AuditTrail audit;

    private final MfaAssertionSigner gateway = new MfaAssertionSigner(
            dev.pimflow.workflow.support.EndToEndTestBase.DEV_SECRET, java.time.Clock.systemUTC());
    private String ticket;

    @BeforeEach
    void init() {
        AbstractAssertions.init(engine);
        ticket = "CONTOSO:Extend-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aConfirmedExtensionMovesTheEndInPimAndTheEndTimer() {
        ProcessInstance pi = active(TutorialTenant.USER_ADMINISTRATOR_ROLE_ID, Duration.ofHours(5));
        Instant end = activation(pi).endDateTime();
        Extensions.Extension x = requested(pi, Duration.ofHours(1));
        run(pi, TASK_CHECK_EXTENSION);
        assertThat(pi).isWaitingAt(GATEWAY_AWAIT_EXTENSION_MFA);
        assertThat(activation(pi).status()).isEqualTo(Status.ACTIVE.wire());
        assertThat(extensions.find(x.id()).orElseThrow().status()).isEqualTo(Extensions.PENDING_MFA);
        assertThat(answer(pi, true)).isInstanceOf(MfaOutcome.Accepted.class);
        run(pi, TASK_EXTEND_ROLE);

        assertThat(pi)
                .hasPassedInOrder(
                        CATCH_EXTENSION_REQUESTED,
                        TASK_CHECK_EXTENSION,
                        TASK_ISSUE_EXTENSION_CHALLENGE,
                        CATCH_EXTENSION_MFA_RESPONSE,
                        TASK_EXTEND_ROLE,
                        END_EXTENDED)
                .hasNotPassed(SUBPROCESS_EXTENSION_APPROVAL)
                .isWaitingAt(GATEWAY_AWAIT_END);
        Activation a = activation(pi);
        assertThat(a.status()).isEqualTo(Status.ACTIVE.wire());
        // PIM answers with its own precision (seconds)
        assertThat(a.endDateTime())
                .isBetween(end.plus(Duration.ofHours(1)).minusSeconds(1), end.plus(Duration.ofHours(1)));
        assertThat(endTimer(pi).getDuedate()).isEqualTo(java.util.Date.from(a.endDateTime()));
        assertThat(extensions.find(x.id()).orElseThrow())
                .satisfies(e -> assertThat(e.status()).isEqualTo(Extensions.EXTENDED))
                .satisfies(e -> assertThat(e.newEndDateTime()).isEqualTo(a.endDateTime()));
        assertThat(auditActions(pi))
                .containsSubsequence(
                        AuditAction.ACTIVATED.wire(),
                        AuditAction.EXTENSION_REQUESTED.wire(),
                        AuditAction.MFA_CHALLENGED.wire(),
                        AuditAction.MFA_APPROVED.wire(),
                        AuditAction.EXTENDED.wire());
        close();
        run(pi, TASK_REVOKE_ROLE);
        assertThat(pi).isEnded();
    }

    @Test
    void aRoleThatRequiresApprovalForExtensionAsksItsApproversAgain() {
        ProcessInstance pi = activeWithApproval();
        Instant end = activation(pi).endDateTime();
        Extensions.Extension x = requested(pi, Duration.ofHours(1));
        run(pi, TASK_CHECK_EXTENSION);
        assertThat(answer(pi, true)).isInstanceOf(MfaOutcome.Accepted.class);
        run(pi, TASK_REQUEST_EXTENSION_APPROVAL);
        assertThat(pi).isWaitingAt(USER_TASK_APPROVE_EXTENSION_STAGE);
        Approvals.Approval stage =
                approvals.stage(activation(pi).id(), x.round(), 1).orElseThrow();
        assertThat(stage.purpose()).isEqualTo(Approvals.EXTENSION);
        assertThat(activation(pi).status()).isEqualTo(Status.ACTIVE.wire());
        // the requester still cannot decide; Nora can
        assertThat(decide(stage, ALINE, true, "mine")).isInstanceOf(ApprovalDecisions.Outcome.Refused.class);
        assertThat(decide(stage, NORA, true, "still needed")).isInstanceOf(ApprovalDecisions.Outcome.Decided.class);
        run(pi, TASK_EXTEND_ROLE);
        assertThat(pi).hasPassed(SUBPROCESS_EXTENSION_APPROVAL, END_EXTENDED).isWaitingAt(GATEWAY_AWAIT_END);
        assertThat(activation(pi).endDateTime())
                .isBetween(end.plus(Duration.ofHours(1)).minusSeconds(1), end.plus(Duration.ofHours(1)));
        close();
        run(pi, TASK_REVOKE_ROLE);
    }

    @Test
    void anExtensionDeniedByItsApproverLeavesTheEndAsItWas() {
        ProcessInstance pi = activeWithApproval();
        Instant end = activation(pi).endDateTime();
        Extensions.Extension x = requested(pi, Duration.ofHours(1));
        run(pi, TASK_CHECK_EXTENSION);
        answer(pi, true);
        run(pi, TASK_REQUEST_EXTENSION_APPROVAL);
        Approvals.Approval stage =
                approvals.stage(activation(pi).id(), x.round(), 1).orElseThrow();
        assertThat(decide(stage, NORA, false, "enough")).isInstanceOf(ApprovalDecisions.Outcome.Decided.class);
        assertThat(pi)
                .hasPassed(BOUNDARY_EXTENSION_DENIED, TASK_RECORD_EXTENSION_DENIED)
                .hasNotPassed(TASK_EXTEND_ROLE)
                .isWaitingAt(GATEWAY_AWAIT_END);
        assertThat(activation(pi).status()).isEqualTo(Status.ACTIVE.wire());
        assertThat(activation(pi).endDateTime()).isEqualTo(end);
        assertThat(extensions.find(x.id()).orElseThrow().reason()).isEqualTo(Reason.APPROVAL_DENIED.wire());
        close();
        run(pi, TASK_REVOKE_ROLE);
    }

    @Test
    void anExtensionPastThePolicysMaximumIsDeniedAndTheRoleStays() {
        // the seeded User Administrator policy allows PT8H from the start
        ProcessInstance pi = active(TutorialTenant.USER_ADMINISTRATOR_ROLE_ID, Duration.ofHours(5));
        Instant end = activation(pi).endDateTime();
        Extensions.Extension x = requested(pi, Duration.ofHours(4));
        run(pi, TASK_CHECK_EXTENSION);
        assertThat(pi)
                .hasPassed(END_EXTENSION_REFUSED)
                .hasNotPassed(TASK_ISSUE_EXTENSION_CHALLENGE)
                .isWaitingAt(GATEWAY_AWAIT_END);
        assertThat(extensions.find(x.id()).orElseThrow())
                .satisfies(e -> assertThat(e.status()).isEqualTo(Extensions.DENIED))
                .satisfies(e -> assertThat(e.reason()).startsWith(CheckExtensionDelegate.EXCEEDS_POLICY_MAXIMUM));
        assertThat(activation(pi).endDateTime()).isEqualTo(end);
        assertThat(auditActions(pi)).contains(AuditAction.EXTENSION_DENIED.wire());
        // a smaller one still fits
        requested(pi, Duration.ofHours(2));
        run(pi, TASK_CHECK_EXTENSION);
        assertThat(pi).isWaitingAt(GATEWAY_AWAIT_EXTENSION_MFA);
        close();
        run(pi, TASK_REVOKE_ROLE);
    }

    @Test
    void aDeniedOrExpiredMfaDeniesTheExtensionAndTheRoleStays() {
        ProcessInstance pi = active(TutorialTenant.USER_ADMINISTRATOR_ROLE_ID, Duration.ofHours(1));
        Instant end = activation(pi).endDateTime();
        Extensions.Extension first = requested(pi, Duration.ofHours(1));
        run(pi, TASK_CHECK_EXTENSION);
        assertThat(answer(pi, false)).isInstanceOf(MfaOutcome.Accepted.class);
        assertThat(pi).hasPassed(TASK_RECORD_EXTENSION_DENIED).isWaitingAt(GATEWAY_AWAIT_END);
        assertThat(extensions.find(first.id()).orElseThrow().reason()).isEqualTo(Reason.MFA_DENIED.wire());

        Extensions.Extension second = requested(pi, Duration.ofHours(1));
        run(pi, TASK_CHECK_EXTENSION);
        run(pi, CATCH_EXTENSION_MFA_TIMEOUT);
        assertThat(pi).isWaitingAt(GATEWAY_AWAIT_END);
        assertThat(extensions.find(second.id()).orElseThrow().reason()).isEqualTo(Reason.MFA_TIMEOUT.wire());
        assertThat(activation(pi).status()).isEqualTo(Status.ACTIVE.wire());
        assertThat(activation(pi).endDateTime()).isEqualTo(end);
        assertThat(endTimer(pi).getDuedate()).isEqualTo(java.util.Date.from(end));
        close();
        run(pi, TASK_REVOKE_ROLE);
    }

    @Test
    void theTicketsClosureWhileAnExtensionWaitsRevokesTheRoleAndCancelsTheExtension() {
        ProcessInstance pi = active(TutorialTenant.USER_ADMINISTRATOR_ROLE_ID, Duration.ofHours(1));
        Extensions.Extension x = requested(pi, Duration.ofHours(1));
        run(pi, TASK_CHECK_EXTENSION);
        close();
        run(pi, TASK_REVOKE_ROLE);
        assertThat(pi)
                .hasPassed(BOUNDARY_TICKET_CLOSED_WHILE_EXTENDING, END_REVOKED)
                .isEnded();
        assertThat(activation(pi).status()).isEqualTo(Status.REVOKED.wire());
        assertThat(activation(pi).reason()).isEqualTo(Reason.TICKET_CLOSED.wire());
        assertThat(extensions.find(x.id()).orElseThrow().status()).isEqualTo(Extensions.CANCELLED);
        // the extension's challenge answered late changes nothing
        assertThat(answer(pi, true)).isInstanceOf(MfaOutcome.Rejected.class);
        // and a new request is refused: the ticket is closed
        assertThat(request(pi, Duration.ofHours(1)))
                .isInstanceOfSatisfying(
                        ExtensionRequests.Outcome.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(ExtensionRequests.TICKET_CLOSED));
    }

    @Test
    void aSecondRequestWhileOneWaitsIsRefusedAndAnEndedActivationIsNotExtended() {
        ProcessInstance pi = active(TutorialTenant.USER_ADMINISTRATOR_ROLE_ID, Duration.ofHours(1));
        requested(pi, Duration.ofHours(1));
        assertThat(request(pi, Duration.ofHours(1)))
                .isInstanceOfSatisfying(
                        ExtensionRequests.Outcome.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(ExtensionRequests.IN_PROGRESS));
        run(pi, TASK_CHECK_EXTENSION);
        assertThat(auditActions(pi)).contains(AuditAction.EXTENSION_REFUSED.wire());
        // the activation ends at its time while the extension waits for the person
        run(pi, BOUNDARY_ACTIVATION_ENDS_WHILE_EXTENDING);
        run(pi, TASK_REVOKE_ROLE);
        assertThat(activation(pi).reason()).isEqualTo(Reason.EXPIRED.wire());
        assertThat(request(pi, Duration.ofHours(1)))
                .isInstanceOfSatisfying(
                        ExtensionRequests.Outcome.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(ExtensionRequests.NOT_ACTIVE));
    }

    @Test
    void noExtensionWithoutThePersonsMfaAnswerToItsOwnChallenge() {
        // guarantee 1 for extensions: an operator moves the token past the MFA wait; the extension step refuses
        ProcessInstance pi = active(TutorialTenant.USER_ADMINISTRATOR_ROLE_ID, Duration.ofHours(1));
        Instant end = activation(pi).endDateTime();
        Extensions.Extension x = requested(pi, Duration.ofHours(1));
        run(pi, TASK_CHECK_EXTENSION);
        runtime.createProcessInstanceModification(pi.getId())
                .cancelAllForActivity(GATEWAY_AWAIT_EXTENSION_MFA)
                .startBeforeActivity(TASK_EXTEND_ROLE)
                .execute();
        run(pi, TASK_EXTEND_ROLE);
        assertThat(pi).hasPassed(TASK_RECORD_EXTENSION_DENIED).isWaitingAt(GATEWAY_AWAIT_END);
        assertThat(activation(pi).endDateTime()).isEqualTo(end);
        assertThat(extensions.find(x.id()).orElseThrow().reason()).isEqualTo(Reason.MFA_NOT_VERIFIED.wire());
        assertThat(auditActions(pi)).contains(AuditAction.ACTIVATION_REFUSED.wire());
        close();
        run(pi, TASK_REVOKE_ROLE);
    }

    /** A test that failed half-way leaves no active role behind for the next (the seed roles are shared). */
    @org.junit.jupiter.api.AfterEach
    void closeTheTicket() {
        close();
        List<String> instances = store.findByTicket(CONTOSO_ICM, ticket).stream()
                .map(Activation::processInstanceId)
                .toList();
        for (String instance : instances) {
            for (String activity : List.of(TASK_REVOKE_ROLE, TASK_CANCEL_PENDING)) {
                for (Job job : engine.getManagementService()
                        .createJobQuery()
                        .processInstanceId(instance)
                        .activityId(activity)
                        .list()) {
                    engine.getManagementService().executeJob(job.getId());
                }
            }
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private ProcessInstance active(String role, Duration duration) {
        tx.executeWithoutResult(s -> ticketEvents.activationRequested(
                event(EventTypes.TICKET_ACTIVATION_REQUESTED),
                new ActivationRequested(CONTOSO_ICM, ticket, ALINE, role, "/", "extension process test", duration)));
        Activation a = store.findByTicket(CONTOSO_ICM, ticket).stream()
                .reduce((x, y) -> y)
                .orElseThrow();
        ProcessInstance pi = runtime.createProcessInstanceQuery()
                .processInstanceId(a.processInstanceId())
                .singleResult();
        run(pi, TASK_VALIDATE_REQUEST);
        assertThat(answer(pi, true)).isInstanceOf(MfaOutcome.Accepted.class);
        if (APPROVAL_ROLE.equals(role)) {
            run(pi, TASK_REQUEST_APPROVAL);
            decide(approvals.stage(a.id(), 0, 1).orElseThrow(), NORA, true, "incident is real");
        }
        run(pi, TASK_ACTIVATE_ROLE);
        assertThat(pi).isWaitingAt(GATEWAY_AWAIT_END);
        return pi;
    }

    private ProcessInstance activeWithApproval() {
        return active(APPROVAL_ROLE, Duration.ofHours(1));
    }

    private ExtensionRequests.Outcome request(ProcessInstance pi, Duration more) {
        String id = activation(pi).id();
        return tx.execute(s -> extensionRequests.request(id, more, "still on it", "user:test", "test"));
    }

    private Extensions.Extension requested(ProcessInstance pi, Duration more) {
        ExtensionRequests.Outcome outcome = request(pi, more);
        assertThat(outcome).isInstanceOf(ExtensionRequests.Outcome.Requested.class);
        return ((ExtensionRequests.Outcome.Requested) outcome).extension();
    }

    private MfaOutcome answer(ProcessInstance pi, boolean approve) {
        Activation a = activation(pi);
        return tx.execute(s -> mfaResponses.respond(new MfaResponse(
                a.challengeId(), gateway.sign(a.principalId(), a.challengeId(), approve, Duration.ofMinutes(1)))));
    }

    private ApprovalDecisions.Outcome decide(Approvals.Approval stage, String approver, boolean approve, String why) {
        return tx.execute(
                s -> decisions.decide(stage.id(), approver, approve, why, "api", "test", Map.of("ref", "test")));
    }

    private Job endTimer(ProcessInstance pi) {
        return engine.getManagementService()
                .createJobQuery()
                .processInstanceId(pi.getId())
                .activityId(CATCH_ACTIVATION_ENDS)
                .singleResult();
    }

    private List<String> auditActions(ProcessInstance pi) {
        String id = activation(pi).id();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> audit.pendingFor(id) == 0);
        return audit.forActivation(id).stream()
                .map(dev.pimflow.audit.AuditRecord::action)
                .toList();
    }

    private void run(ProcessInstance pi, String activityId) {
        Job job = engine.getManagementService()
                .createJobQuery()
                .processInstanceId(pi.getId())
                .activityId(activityId)
                .singleResult();
        if (job == null) {
            List<String> at =
                    engine.getManagementService().createJobQuery().processInstanceId(pi.getId()).list().stream()
                            .map(j -> engine.getManagementService()
                                    .createJobDefinitionQuery()
                                    .jobDefinitionId(j.getJobDefinitionId())
                                    .singleResult()
                                    .getActivityId())
                            .toList();
            org.junit.jupiter.api.Assertions.fail("no job at " + activityId + "; jobs at " + at + ", waiting at "
                    + runtime.getActiveActivityIds(pi.getId()));
        }
        engine.getManagementService().executeJob(job.getId());
    }

    private void close() {
        tx.executeWithoutResult(s -> ticketEvents.ticketClosed(
                event(EventTypes.TICKET_CLOSED), new TicketClosed(CONTOSO_ICM, ticket, Instant.now(), "done")));
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
