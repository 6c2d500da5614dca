package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.EndToEndTestBase;
import dev.pimflow.workflow.support.HttpAsUser;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 17, findings 1 and 3: the admin, through engine REST over HTTP, tries every way around the MFA (correlating
 * {@code mfa.response} with {@code mfaApproved=true}, moving the token past Await MFA, editing the variable, starting
 * an instance of its own) and to run code (deploying a BPMN whose expression reads the environment). Each is refused
 * with 403 and audited with the user, the surface and, where it names one, the activation; the activation stays
 * pending and PIM assigns nothing; the real approval then still works.
 */
class NobodyGetsPastTheMfaThroughTheEngineTest extends EndToEndTestBase {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpAsUser admin;

    @BeforeAll
    void admin() {
        admin = new HttpAsUser(port, "admin", "test-admin-password");
    }

    @Test
    void engineRestCannotApproveMoveOrEditAnActivationAndEveryAttemptIsAudited() throws Exception {
        String ticket = "CONTOSO:Insider-1";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = awaitChallenge(ticket).path("data");
        String activationId = challenge.path("activationId").asText();
        String instance = instanceOf(activationId);

        HttpResponse<String> message = admin.send("POST", "/engine-rest/message", """
                {"messageName": "mfa.response", "processInstanceId": "%s",
                 "processVariables": {"mfaApproved": {"value": true, "type": "Boolean"}}}""".formatted(instance));
        HttpResponse<String> modification =
                admin.send("POST", "/engine-rest/process-instance/" + instance + "/modification", """
                {"instructions": [{"type": "startBeforeActivity", "activityId": "Task_ActivateRole"},
                                  {"type": "cancel", "activityId": "Gateway_AwaitMfa"}]}""");
        HttpResponse<String> variable = admin.send(
                "PUT",
                "/engine-rest/process-instance/" + instance + "/variables/mfaApproved",
                "{\"value\": true, \"type\": \"Boolean\"}");
        HttpResponse<String> delete = admin.send("DELETE", "/engine-rest/process-instance/" + instance, null);

        for (HttpResponse<String> refused : List.of(message, modification, variable, delete)) {
            assertThat(refused.statusCode())
                    .as(refused.request().method() + " " + refused.request().uri() + ": " + refused.body())
                    .isEqualTo(403);
        }

        // nothing moved: still waiting for MFA seconds later (the probe saw the role active ~4 s after the message)
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(8))
                .until(() -> Status.PENDING_MFA.is(statusOf(activationId))
                        && !activeRoles(ALINE).contains(USER_ADMINISTRATOR));

        List<AuditRecord> refusals = chainedAudit(activationId).stream()
                .filter(r -> AuditAction.OPERATION_REFUSED.is(r.action()))
                .toList();
        assertThat(refusals)
                .extracting(AuditRecord::outcome)
                .containsExactly(
                        "CorrelateMessageCmd",
                        "ModifyProcessInstanceCmd",
                        "SetExecutionVariablesCmd",
                        "DeleteProcessInstanceCmd");
        assertThat(refusals).allSatisfy(r -> {
            assertThat(r.actor()).isEqualTo("user:admin");
            assertThat(r.details())
                    .containsEntry("surface", "engine-rest")
                    .containsEntry("processInstanceId", instance);
        });
        assertThat(refusals.get(0).details().get("request")).isEqualTo("POST /engine-rest/message");

        // the real approval still activates, and the chain is intact
        tickets.respondToChallenge(
                challenge.path("challengeId").asText(),
                gateway.sign(ALINE, challenge.path("challengeId").asText(), true, Duration.ofMinutes(2)));
        awaitStatus(activationId, Status.ACTIVE);
        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
        assertThat(auditIntact()).isTrue();
    }

    @Test
    void signalsSuspensionJobEditsMigrationAndRestartAreRefusedAndAuditedToo() throws Exception {
        String ticket = "CONTOSO:Insider-3";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = awaitChallenge(ticket).path("data");
        String activationId = challenge.path("activationId").asText();
        String instance = instanceOf(activationId);
        String definition =
                jdbc.queryForObject("SELECT PROC_DEF_ID_ FROM ACT_RU_EXECUTION WHERE ID_ = ?", String.class, instance);
        // the MFA timeout's timer: moving it, deprioritising it or deleting it would change when the challenge ends
        String timer = JSON.readTree(admin.get("/engine-rest/job?processInstanceId=" + instance)
                        .body())
                .path(0)
                .path("id")
                .asText();
        assertThat(timer).as("the MFA timeout's timer job").isNotBlank();

        Map<String, HttpResponse<String>> attempts = new LinkedHashMap<>();
        attempts.put("signal", admin.send("POST", "/engine-rest/signal", "{\"name\": \"mfa.response\"}"));
        attempts.put(
                "suspend",
                admin.send("PUT", "/engine-rest/process-instance/" + instance + "/suspended", "{\"suspended\": true}"));
        attempts.put(
                "due date",
                admin.send(
                        "PUT",
                        "/engine-rest/job/" + timer + "/duedate",
                        "{\"duedate\": \"2099-01-01T00:00:00.000+0000\"}"));
        attempts.put("priority", admin.send("PUT", "/engine-rest/job/" + timer + "/priority", "{\"priority\": -1}"));
        attempts.put("zero retries", admin.send("PUT", "/engine-rest/job/" + timer + "/retries", "{\"retries\": 0}"));
        attempts.put("delete job", admin.send("DELETE", "/engine-rest/job/" + timer, null));
        attempts.put("migration", admin.send("POST", "/engine-rest/migration/execute", """
                {"migrationPlan": {"sourceProcessDefinitionId": "%s", "targetProcessDefinitionId": "%s",
                                   "instructions": []},
                 "processInstanceIds": ["%s"]}""".formatted(
                        definition, definition, instance)));
        attempts.put(
                "restart",
                admin.send(
                        "POST", "/engine-rest/process-definition/" + definition + "/restart", """
                {"processInstanceIds": ["%s"],
                 "instructions": [{"type": "startBeforeActivity", "activityId": "Task_ActivateRole"}]}""".formatted(instance)));

        attempts.forEach((what, refused) -> assertThat(refused.statusCode())
                .as(what + ": " + refused.request().method() + " "
                        + refused.request().uri() + ": " + refused.body())
                .isEqualTo(403));
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(6))
                .until(() -> Status.PENDING_MFA.is(statusOf(activationId))
                        && !activeRoles(ALINE).contains(USER_ADMINISTRATOR));
        assertThat(JSON.readTree(admin.get("/engine-rest/job/" + timer).body())
                        .path("retries")
                        .asInt())
                .as("the timer keeps its retries")
                .isPositive();

        awaitAuditChained();
        List<String> refused = Stream.concat(
                        audit.forActivation(activationId).stream(),
                        audit.forActivation(AuditEntry.NO_ACTIVATION).stream())
                .filter(r -> AuditAction.OPERATION_REFUSED.is(r.action()))
                .filter(r -> "user:admin".equals(r.actor()))
                .map(AuditRecord::outcome)
                .toList();
        assertThat(refused)
                .contains(
                        "SignalEventReceivedCmd",
                        "SuspendProcessInstanceCmd",
                        "SetJobDuedateCmd",
                        "SetJobPriorityCmd",
                        "SetJobRetriesCmd",
                        "DeleteJobCmd",
                        "MigrateProcessInstanceCmd",
                        "RestartProcessInstancesCmd");

        tickets.closeTicket(ticket);
        awaitStatus(activationId, Status.CANCELLED);
    }

    @Test
    void nobodyDeploysOrStartsInstancesAtRunTime() throws Exception {
        long definitions = jdbc.queryForObject("SELECT COUNT(*) FROM ACT_RE_PROCDEF", Long.class);
        HttpResponse<String> deploy =
                admin.upload("/engine-rest/deployment/create", "attack.bpmn", "attack.bpmn", READ_THE_SECRET);
        assertThat(deploy.statusCode()).as(deploy.body()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ACT_RE_PROCDEF", Long.class))
                .isEqualTo(definitions);

        // deleting the definition with its instances would end every activation's revocation
        // (DeleteProcessDefinitionsByIdsCmd)
        String definition = jdbc.queryForObject(
                "SELECT ID_ FROM ACT_RE_PROCDEF WHERE KEY_ = 'ticket-activation' ORDER BY VERSION_ DESC LIMIT 1",
                String.class);
        HttpResponse<String> byId = admin.send(
                "DELETE",
                "/engine-rest/process-definition/" + definition + "?cascade=true&skipCustomListeners=true",
                null);
        assertThat(byId.statusCode()).as(byId.body()).isEqualTo(403);
        HttpResponse<String> byKey =
                admin.send("DELETE", "/engine-rest/process-definition/key/ticket-activation/delete?cascade=true", null);
        assertThat(byKey.statusCode()).as(byKey.body()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ACT_RE_PROCDEF", Long.class))
                .isEqualTo(definitions);

        HttpResponse<String> start = admin.send(
                "POST",
                "/engine-rest/process-definition/key/ticket-activation/start",
                "{\"businessKey\": \"CONTOSO:Insider-2\", \"variables\": {\"activationId\": {\"value\": \"x\", \"type\": \"String\"}}}");
        assertThat(start.statusCode()).as(start.body()).isEqualTo(403);

        awaitAuditChained();
        List<AuditRecord> refused = audit.forActivation(AuditEntry.NO_ACTIVATION).stream()
                .filter(r -> AuditAction.OPERATION_REFUSED.is(r.action()))
                .toList();
        assertThat(refused)
                .extracting(AuditRecord::outcome)
                .contains(
                        "DeployCmd",
                        "StartProcessInstanceCmd",
                        "DeleteProcessDefinitionsByIdsCmd",
                        "DeleteProcessDefinitionsByKeyCmd");
        assertThat(refused).allSatisfy(r -> assertThat(r.actor()).isEqualTo("user:admin"));
    }

    @Test
    void readingStaysOpenToTheAdmin() {
        assertThat(admin.get("/engine-rest/process-instance/count").statusCode())
                .isEqualTo(200);
        assertThat(admin.get("/engine-rest/deployment").statusCode()).isEqualTo(200);
    }

    /** The probe's deployment: a script-free process whose expression reads the MFA secret from the environment. */
    private static final String READ_THE_SECRET = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                              xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="attack">
              <bpmn:process id="attack" isExecutable="true" camunda:historyTimeToLive="P1D">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="steal"/>
                <bpmn:serviceTask id="steal" camunda:expression="${execution.setVariable('loot', System.getenv())}"/>
                <bpmn:sequenceFlow id="f2" sourceRef="steal" targetRef="end"/>
                <bpmn:endEvent id="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """;
}
