package dev.pimflow.workflow.process;

import static dev.pimflow.workflow.process.ProcessElements.*;
import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import dev.pimflow.workflow.activation.MfaOutcome;
import dev.pimflow.workflow.activation.MfaResponseHandler;
import dev.pimflow.workflow.activation.TicketEventHandler;
import dev.pimflow.workflow.security.Roles;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.assertions.bpmn.AbstractAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One test per path of the approval subprocess of ticket-activation.bpmn (DESIGN §9.3), with the real delegates and the
 * Graph simulator's approval role (Privileged Authentication Administrator, one stage, approver Nora); the job executor
 * is off, so each test drives jobs and timers itself. Same Spring context as {@link TicketActivationProcessTest}.
 */
@SpringBootTest(
        properties = {
            "camunda.bpm.job-execution.enabled=false",
            "camunda.bpm.process-engine-name=processtest",
            "camunda.bpm.history-level=activity"
        })
@ActiveProfiles("test")
@EmbeddedKafka(kraft = true, partitions = 1)
class ApprovalProcessTest {
    static final String APPROVAL_ROLE = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";
    static final String NORA = "5b0c7e2a-8d4f-4a61-b3e9-7f2c1d6a9e40";
    static final String NORA_UPN = "NoraL@" + TutorialTenant.DOMAIN;

    @Autowired
    ProcessEngine engine;

    @Autowired
    RuntimeService runtime;

    @Autowired
    TaskService tasks;

    @Autowired
    IdentityService identity;

    @Autowired
    TicketEventHandler ticketEvents;

    @Autowired
    MfaResponseHandler mfaResponses;

    @Autowired
    ApprovalDecisions decisions;

    @Autowired
    Approvals approvals;

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
        ticket = "CONTOSO:Approval-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void anApprovedStageActivatesTheRole() {
        ProcessInstance pi = waitingForApproval();
        Approvals.Approval stage = stage(pi);
        assertThat(activation(pi).status()).isEqualTo(Status.PENDING_APPROVAL.wire());
        assertThat(approvals.approvers(stage)).containsExactly(NORA);
        assertThat(stage.justificationRequired()).isTrue();
        Task task = task(pi);
        assertThat(tasks.getIdentityLinksForTask(task.getId()))
                .anySatisfy(l -> assertThat(l.getUserId()).isEqualTo(NORA))
                .anySatisfy(l -> assertThat(l.getGroupId()).isEqualTo(Roles.APPROVERS));

        assertThat(decide(stage, NORA, true, "incident is real")).isInstanceOf(ApprovalDecisions.Outcome.Decided.class);
        run(pi, TASK_ACTIVATE_ROLE);
        assertThat(pi)
                .hasPassedInOrder(
                        GATEWAY_APPROVAL_REQUIRED,
                        TASK_REQUEST_APPROVAL,
                        USER_TASK_APPROVE_STAGE,
                        TASK_CHECK_APPROVAL_DECISION,
                        END_STAGE_APPROVED,
                        TASK_ACTIVATE_ROLE,
                        END_ACTIVATED)
                .isWaitingAt(GATEWAY_AWAIT_END);
        assertThat(activation(pi).status()).isEqualTo(Status.ACTIVE.wire());
        assertThat(auditActions(pi))
                .containsSubsequence(
                        AuditAction.MFA_APPROVED.wire(),
                        AuditAction.APPROVAL_REQUESTED.wire(),
                        AuditAction.APPROVAL_APPROVED.wire(),
                        AuditAction.ACTIVATED.wire());
        close();
        run(pi, TASK_REVOKE_ROLE);
    }

    @Test
    void aDeniedStageDeniesTheActivation() {
        ProcessInstance pi = waitingForApproval();
        assertThat(decide(stage(pi), NORA, false, "not for this incident"))
                .isInstanceOf(ApprovalDecisions.Outcome.Decided.class);
        assertThat(pi)
                .hasPassed(TASK_CHECK_APPROVAL_DECISION, TASK_RECORD_DENIED, END_DENIED)
                .hasNotPassed(TASK_ACTIVATE_ROLE)
                .isEnded();
        assertThat(activation(pi).reason()).isEqualTo(Reason.APPROVAL_DENIED.wire());
        assertThat(activation(pi).pimRequestId()).isNull();
    }

    @Test
    void aStageNobodyDecidesInTimeDeniesTheActivation() {
        ProcessInstance pi = waitingForApproval();
        Approvals.Approval stage = stage(pi);
        run(pi, BOUNDARY_APPROVAL_TIMEOUT);
        assertThat(pi)
                .hasPassed(TASK_RECORD_APPROVAL_TIMEOUT, END_APPROVAL_TIMED_OUT, END_DENIED)
                .isEnded();
        assertThat(activation(pi).reason()).isEqualTo(Reason.APPROVAL_TIMEOUT.wire());
        assertThat(approvals.find(stage.id()).orElseThrow().status()).isEqualTo(Approvals.TIMED_OUT);
        assertThat(auditActions(pi)).contains(AuditAction.APPROVAL_TIMED_OUT.wire());
        // a decision that comes after the timeout changes nothing
        assertThat(decide(stage, NORA, true, "late")).isInstanceOf(ApprovalDecisions.Outcome.Refused.class);
    }

    @Test
    void theTicketsClosureWhileWaitingForApprovalCancelsTheActivation() {
        ProcessInstance pi = waitingForApproval();
        Approvals.Approval stage = stage(pi);
        close();
        run(pi, TASK_CANCEL_PENDING);
        assertThat(pi)
                .hasPassed(BOUNDARY_TICKET_CLOSED_WHILE_PENDING, END_CANCELLED)
                .isEnded();
        assertThat(activation(pi).status()).isEqualTo(Status.CANCELLED.wire());
        assertThat(approvals.find(stage.id()).orElseThrow().status()).isEqualTo(Approvals.CANCELLED);
        assertThat(tasks.createTaskQuery().processInstanceId(pi.getId()).count())
                .isZero();
    }

    @Test
    void anEscalatedStageAddsItsEscalationApprovers() {
        ProcessInstance pi = waitingForApproval();
        Approvals.Approval stage = stage(pi);
        // the seeded stage escalates to the tenant's admin after the escalation time
        assertThat(decide(stage, TutorialTenant.ADMIN_ID, true, "too early"))
                .isInstanceOfSatisfying(
                        ApprovalDecisions.Outcome.Refused.class,
                        r -> assertThat(r.status()).isEqualTo(403));
        run(pi, BOUNDARY_ESCALATE);
        run(pi, TASK_ESCALATE_APPROVAL);
        assertThat(pi).hasPassed(TASK_ESCALATE_APPROVAL, END_ESCALATED).isWaitingAt(USER_TASK_APPROVE_STAGE);
        assertThat(approvals.find(stage.id()).orElseThrow().escalatedAt()).isNotNull();
        assertThat(tasks.getIdentityLinksForTask(task(pi).getId()))
                .anySatisfy(l -> assertThat(l.getUserId()).isEqualTo(TutorialTenant.ADMIN_ID));
        assertThat(decide(stage, TutorialTenant.ADMIN_ID, true, "escalated to me"))
                .isInstanceOf(ApprovalDecisions.Outcome.Decided.class);
        run(pi, TASK_ACTIVATE_ROLE);
        assertThat(activation(pi).status()).isEqualTo(Status.ACTIVE.wire());
        assertThat(auditActions(pi)).contains(AuditAction.APPROVAL_ESCALATED.wire());
        close();
        run(pi, TASK_REVOKE_ROLE);
    }

    @Test
    void theRequesterAnOutsiderAMissingJustificationAndASecondDecisionAreRefusedAndAudited() {
        ProcessInstance pi = waitingForApproval();
        Approvals.Approval stage = stage(pi);
        assertThat(refusal(decide(stage, ALINE, true, "me"))).isEqualTo(403);
        assertThat(refusal(decide(stage, TutorialTenant.BOB_ID, true, "not mine")))
                .isEqualTo(403);
        assertThat(refusal(decide(stage, NORA, true, " "))).isEqualTo(400);
        assertThat(decide(stage, NORA, true, "ok")).isInstanceOf(ApprovalDecisions.Outcome.Decided.class);
        assertThat(refusal(decide(stage, NORA, false, "changed my mind"))).isEqualTo(409);
        assertThat(auditActions(pi).stream()
                        .filter(AuditAction.APPROVAL_REJECTED.wire()::equals)
                        .count())
                .isEqualTo(4);
        assertThat(approvals.find(stage.id()).orElseThrow().decidedBy()).isEqualTo(NORA);
        run(pi, TASK_ACTIVATE_ROLE);
        close();
        run(pi, TASK_REVOKE_ROLE);
    }

    @Test
    void tasklistCompletionIsADecisionOnlyByALoginWhoIsAnApprover() {
        ProcessInstance pi = waitingForApproval();
        Task task = task(pi);
        String nora = login("nora", NORA_UPN);
        String bob = login("bob", "BobK@" + TutorialTenant.DOMAIN);
        // an outsider's completion is refused: the task stays, nothing is recorded
        assertThatThrownBy(() -> completeAs(bob, task.getId(), Map.of("approved", true, "approverJustification", "x")))
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("not one of the approvers");
        // completing without a decision is refused
        assertThatThrownBy(() -> completeAs(nora, task.getId(), Map.of("approverJustification", "x")))
                .isInstanceOf(BadUserRequestException.class)
                .hasMessageContaining("approved");
        assertThat(stage(pi).pending()).isTrue();
        completeAs(nora, task.getId(), Map.of("approved", true, "approverJustification", "seen the incident"));
        Approvals.Approval decided = stage(pi);
        assertThat(decided.status()).isEqualTo(Approvals.APPROVED);
        assertThat(decided.decidedBy()).isEqualTo(NORA);
        assertThat(decided.channel()).isEqualTo("tasklist");
        run(pi, TASK_ACTIVATE_ROLE);
        assertThat(activation(pi).status()).isEqualTo(Status.ACTIVE.wire());
        close();
        run(pi, TASK_REVOKE_ROLE);
    }

    @Test
    void aTaskCompletedWithoutAnAuthenticatedApproverMovesNothing() {
        ProcessInstance pi = waitingForApproval();
        assertThatThrownBy(() -> tasks.complete(task(pi).getId(), Map.of("approved", true)))
                .hasMessageContaining("no decision recorded by pimflow");
        assertThat(pi).isWaitingAt(USER_TASK_APPROVE_STAGE);
    }

    @Test
    void anInstanceModifiedPastTheApprovalIsDeniedAtTheActivationStep() {
        ProcessInstance pi = waitingForApproval();
        runtime.createProcessInstanceModification(pi.getId())
                .startBeforeActivity(TASK_ACTIVATE_ROLE)
                .cancelAllForActivity(SUBPROCESS_APPROVAL)
                .execute();
        run(pi, TASK_ACTIVATE_ROLE);
        assertThat(pi)
                .hasPassed(TASK_RECORD_DENIED, END_DENIED)
                .hasNotPassed(END_ACTIVATED)
                .isEnded();
        assertThat(activation(pi).reason()).isEqualTo(Reason.APPROVAL_NOT_VERIFIED.wire());
        assertThat(activation(pi).pimRequestId()).isNull();
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private ProcessInstance waitingForApproval() {
        ProcessInstance pi = request();
        run(pi, TASK_VALIDATE_REQUEST);
        assertThat(pi).isWaitingAt(GATEWAY_AWAIT_MFA);
        Activation a = activation(pi);
        MfaOutcome outcome = tx.execute(s -> mfaResponses.respond(new MfaResponse(
                a.challengeId(), gateway.sign(a.principalId(), a.challengeId(), true, Duration.ofMinutes(1)))));
        assertThat(outcome).isInstanceOf(MfaOutcome.Accepted.class);
        run(pi, TASK_REQUEST_APPROVAL);
        assertThat(pi).isWaitingAt(USER_TASK_APPROVE_STAGE);
        return pi;
    }

    private ApprovalDecisions.Outcome decide(Approvals.Approval stage, String approver, boolean approve, String why) {
        return tx.execute(
                s -> decisions.decide(stage.id(), approver, approve, why, "api", "test", Map.of("ref", "test")));
    }

    private static int refusal(ApprovalDecisions.Outcome outcome) {
        assertThat(outcome).isInstanceOf(ApprovalDecisions.Outcome.Refused.class);
        return ((ApprovalDecisions.Outcome.Refused) outcome).status();
    }

    private String login(String name, String email) {
        String id = name + UUID.randomUUID().toString().substring(0, 6);
        User u = identity.newUser(id);
        u.setEmail(email);
        u.setPassword("approver-password-1");
        identity.saveUser(u);
        identity.createMembership(id, Roles.APPROVERS);
        return id;
    }

    private void completeAs(String login, String taskId, Map<String, Object> variables) {
        identity.setAuthentication(login, List.of(Roles.APPROVERS));
        try {
            tasks.complete(taskId, variables);
        } finally {
            identity.clearAuthentication();
        }
    }

    private Approvals.Approval stage(ProcessInstance pi) {
        return approvals.stage(activation(pi).id(), 0, 1).orElseThrow();
    }

    private Task task(ProcessInstance pi) {
        return tasks.createTaskQuery().processInstanceId(pi.getId()).singleResult();
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
        assertThat(job).as("job at " + activityId).isNotNull();
        engine.getManagementService().executeJob(job.getId());
    }

    private ProcessInstance request() {
        tx.executeWithoutResult(s -> ticketEvents.activationRequested(
                event(EventTypes.TICKET_ACTIVATION_REQUESTED),
                new ActivationRequested(
                        CONTOSO_ICM, ticket, ALINE, APPROVAL_ROLE, "/", "approval process test", Duration.ofHours(1))));
        Activation a = store.findByTicket(CONTOSO_ICM, ticket).stream()
                .reduce((x, y) -> y)
                .orElseThrow();
        return runtime.createProcessInstanceQuery()
                .processInstanceId(a.processInstanceId())
                .singleResult();
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
