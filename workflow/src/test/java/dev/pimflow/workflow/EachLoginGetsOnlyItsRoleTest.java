package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.security.Roles;
import dev.pimflow.workflow.support.CockpitSession;
import dev.pimflow.workflow.support.EndToEndTestBase;
import dev.pimflow.workflow.support.HttpAsUser;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.identity.User;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 17, finding 2: a login is not a role. A Camunda user with no group could approve anyone's MFA through the
 * development gateway, list and revoke every activation and read the metrics; now each surface asks for the role
 * (README "Who may do what"), and what an operator or the admin does is in the audit trail with who and how.
 */
class EachLoginGetsOnlyItsRoleTest extends EndToEndTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "a-long-test-password-1";

    @LocalServerPort
    int port;

    @Autowired
    IdentityService identity;

    @Autowired
    ManagementService management;

    private HttpAsUser nobody;
    private HttpAsUser operator;
    private HttpAsUser auditor;
    private HttpAsUser admin;

    @BeforeAll
    void users() {
        nobody = new HttpAsUser(port, user("mallory", null), PASSWORD);
        operator = new HttpAsUser(port, user("olivia", Roles.OPERATORS), PASSWORD);
        auditor = new HttpAsUser(port, user("audrey", Roles.AUDITORS), PASSWORD);
        admin = new HttpAsUser(port, "admin", "test-admin-password");
    }

    @Test
    void aUserWithoutARoleCanNeitherApproveNorListNorRevokeNorReadMetrics() throws Exception {
        String ticket = "CONTOSO:Roles-1";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = awaitChallenge(ticket).path("data");
        String challengeId = challenge.path("challengeId").asText();
        String activationId = challenge.path("activationId").asText();

        assertThat(nobody.send("POST", "/dev/mfa/challenges/" + challengeId + "/approve", null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(nobody.get("/dev/mfa/challenges").statusCode()).isEqualTo(403);
        assertThat(nobody.get("/api/activations").statusCode()).isEqualTo(403);
        assertThat(nobody.get("/api/tickets?system=Contoso%20ICM&number=" + ticket)
                        .statusCode())
                .isEqualTo(403);
        assertThat(nobody.get("/api/activations/" + activationId).statusCode()).isEqualTo(403);
        assertThat(nobody.send("POST", "/api/activations/" + activationId + "/revoke", "{\"reason\": \"x\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(nobody.send("POST", "/api/activations/" + activationId + "/extension", "{\"duration\": \"PT1H\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(nobody.get("/api/audit/verify").statusCode()).isEqualTo(403);
        assertThat(nobody.get("/actuator/prometheus").statusCode()).isEqualTo(403);
        assertThat(nobody.get("/actuator/health").body()).doesNotContain("components");
        // a stranger's refused correlation is audited, but not in the trail of the activation it names
        String instance = instanceOf(activationId);
        assertThat(nobody.send(
                                "POST",
                                "/engine-rest/message",
                                "{\"messageName\": \"mfa.response\", \"processInstanceId\": \"" + instance + "\"}")
                        .statusCode())
                .isEqualTo(403);
        awaitAuditChained();
        assertThat(audit.forActivation(activationId)).noneMatch(r -> r.actor().equals("user:mallory"));
        assertThat(audit.forActivation(dev.pimflow.audit.AuditEntry.NO_ACTIVATION))
                .anySatisfy(r -> {
                    assertThat(r.actor()).isEqualTo("user:mallory");
                    assertThat(r.action()).isEqualTo(AuditAction.OPERATION_REFUSED.wire());
                    assertThat(r.details()).containsEntry("claimedProcessInstanceId", instance);
                });
        // engine REST answers, but shows nothing it was not authorized to see
        assertThat(JSON.readTree(nobody.get("/engine-rest/process-instance/count")
                                .body())
                        .path("count")
                        .asLong())
                .isZero();

        // neither the operator nor the auditor may use the development gateway
        assertThat(operator.send("POST", "/dev/mfa/challenges/" + challengeId + "/approve", null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(auditor.send("POST", "/dev/mfa/challenges/" + challengeId + "/approve", null)
                        .statusCode())
                .isEqualTo(403);
        awaitAuditChained();
        assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_MFA.wire());

        // the admin may, and the audit trail names the admin, not only the principal the assertion speaks for
        assertThat(admin.send("POST", "/dev/mfa/challenges/" + challengeId + "/approve", null)
                        .statusCode())
                .isEqualTo(202);
        awaitStatus(activationId, Status.ACTIVE);
        AuditRecord answered = chainedAudit(activationId).stream()
                .filter(r -> AuditAction.DEV_MFA_ANSWERED.is(r.action()))
                .findFirst()
                .orElseThrow();
        assertThat(answered.actor()).isEqualTo("user:admin");
        assertThat(answered.details())
                .containsEntry("surface", "dev-mfa-gateway")
                .containsEntry("onBehalfOf", ALINE);
        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
    }

    @Test
    void theOperatorReadsRetriesAndRevokesAndIsAuditedTheAuditorReadsTheTrail() throws Exception {
        String ticket = "CONTOSO:Roles-2";
        String activationId = requestAndApprove(ticket, "PT1H");
        awaitStatus(activationId, Status.ACTIVE);
        String instance = instanceOf(activationId);

        assertThat(operator.get("/api/activations?ticket=" + ticket).statusCode())
                .isEqualTo(200);
        assertThat(operator.get("/actuator/info").statusCode()).isEqualTo(200); // prometheus: MetricsAndHealthTest
        assertThat(operator.get("/api/audit/verify").statusCode()).isEqualTo(403);
        assertThat(auditor.get("/api/audit/verify").statusCode()).isEqualTo(200);
        assertThat(auditor.get("/api/activations/" + activationId).statusCode()).isEqualTo(200);
        assertThat(operator.get("/api/tickets?system=Contoso%20ICM&number=" + ticket)
                        .statusCode())
                .isEqualTo(200);
        assertThat(auditor.get("/api/tickets?system=Contoso%20ICM&number=" + ticket)
                        .statusCode())
                .isEqualTo(200);
        assertThat(auditor.send("POST", "/api/activations/" + activationId + "/revoke", "{\"reason\": \"x\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(auditor.send("POST", "/api/activations/" + activationId + "/extension", "{\"duration\": \"PT1H\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(auditor.get("/actuator/info").statusCode()).isEqualTo(403);
        assertThat(auditor.get("/actuator/prometheus").statusCode()).isEqualTo(403);

        // the operator sees the instance in engine REST and may change a job's retries: audited as an operator action
        assertThat(JSON.readTree(operator.get("/engine-rest/process-instance/count?processInstanceIds=" + instance)
                                .body())
                        .path("count")
                        .asLong())
                .isEqualTo(1);
        String timer = management
                .createJobQuery()
                .processInstanceId(instance)
                .singleResult()
                .getId();
        var retries = operator.send("PUT", "/engine-rest/job/" + timer + "/retries", "{\"retries\": 3}");
        assertThat(retries.statusCode()).as(retries.body()).isEqualTo(204);
        // but not disable it: a timer with no retries left would never revoke
        assertThat(operator.send("PUT", "/engine-rest/job/" + timer + "/retries", "{\"retries\": 0}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(operator.send(
                                "PUT",
                                "/engine-rest/job/" + timer + "/retries",
                                "{\"retries\": 3, \"dueDate\": \"2099-01-01T00:00:00.000+0000\"}")
                        .statusCode())
                .isEqualTo(403);
        // nor move the process: modification is refused to operators as to everyone
        assertThat(operator.send(
                                "POST",
                                "/engine-rest/process-instance/" + instance + "/modification",
                                "{\"instructions\": [{\"type\": \"cancel\", \"activityId\": \"Gateway_AwaitEnd\"}]}")
                        .statusCode())
                .isEqualTo(403);

        // the operator asks for more time: a bad duration names the field; one at a time; audited as the operator
        var badDuration =
                operator.send("POST", "/api/activations/" + activationId + "/extension", "{\"duration\": \"1 hour\"}");
        assertThat(badDuration.statusCode()).isEqualTo(400);
        assertThat(badDuration.body()).contains("duration");
        var extension =
                operator.send("POST", "/api/activations/" + activationId + "/extension", "{\"duration\": \"PT30M\"}");
        assertThat(extension.statusCode()).as(extension.body()).isEqualTo(202);
        assertThat(extension.body()).contains("\"round\":1");
        var second =
                operator.send("POST", "/api/activations/" + activationId + "/extension", "{\"duration\": \"PT30M\"}");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        assertThat(second.body()).contains("extension-in-progress");

        // the operator's manual revoke, through the product API (the waiting extension ends with the activation)
        var revoke = operator.send(
                "POST", "/api/activations/" + activationId + "/revoke", "{\"reason\": \"incident resolved\"}");
        assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(202);
        awaitRevoked(activationId);

        List<AuditRecord> records = chainedAudit(activationId);
        AuditRecord retried = records.stream()
                .filter(r -> AuditAction.OPERATOR_ACTION.is(r.action()))
                .findFirst()
                .orElseThrow();
        assertThat(retried.actor()).isEqualTo("user:olivia");
        assertThat(retried.outcome()).isEqualTo("SetJobRetries");
        assertThat(retried.details()).containsEntry("surface", "engine-rest").containsEntry("jobId", timer);
        assertThat(records).anySatisfy(r -> {
            assertThat(r.action()).isEqualTo(AuditAction.OPERATION_REFUSED.wire());
            assertThat(r.actor()).isEqualTo("user:olivia");
        });
        AuditRecord revoked = records.stream()
                .filter(r -> AuditAction.REVOKE_REQUESTED.is(r.action()))
                .findFirst()
                .orElseThrow();
        assertThat(revoked.actor()).isEqualTo("user:olivia");
        assertThat(revoked.details()).containsEntry("surface", "product-rest");
        AuditRecord extensionRequested = records.stream()
                .filter(r -> AuditAction.EXTENSION_REQUESTED.is(r.action()))
                .findFirst()
                .orElseThrow();
        assertThat(extensionRequested.actor()).isEqualTo("user:olivia");
        assertThat(extensionRequested.details()).containsEntry("requestRef", "product-rest");
        assertThat(records).anySatisfy(r -> {
            assertThat(r.action()).isEqualTo(AuditAction.EXTENSION_DENIED.wire());
            assertThat(r.outcome()).isEqualTo("cancelled");
        });
        var afterRevoke =
                operator.send("POST", "/api/activations/" + activationId + "/extension", "{\"duration\": \"PT30M\"}");
        assertThat(afterRevoke.statusCode()).as(afterRevoke.body()).isEqualTo(409);
        assertThat(afterRevoke.body()).contains("not-active");
    }

    /** The same rules in Cockpit, whose engine calls carry the logged-in user the way engine REST's do. */
    @Test
    void inCockpitTheOperatorRetriesAJobAuditedAsCockpitButCannotMoveTheProcess() throws Exception {
        String ticket = "CONTOSO:Roles-3";
        String activationId = requestAndApprove(ticket, "PT1H");
        awaitStatus(activationId, Status.ACTIVE);
        String instance = instanceOf(activationId);
        String timer = management
                .createJobQuery()
                .processInstanceId(instance)
                .singleResult()
                .getId();

        CockpitSession cockpit = CockpitSession.open(port, "default");
        assertThat(cockpit.login("olivia", PASSWORD).statusCode())
                .as("Cockpit login of olivia")
                .isEqualTo(200);
        assertThat(cockpit.send(
                                "PUT",
                                "/camunda/api/engine/engine/default/job/" + timer + "/retries",
                                "{\"retries\": 2}")
                        .statusCode())
                .isEqualTo(204);
        assertThat(cockpit.send(
                                "POST",
                                "/camunda/api/engine/engine/default/message",
                                "{\"messageName\": \"activation.revoke-requested\", \"processInstanceId\": \""
                                        + instance + "\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(statusOf(activationId)).isEqualTo(Status.ACTIVE.wire());

        List<AuditRecord> records = chainedAudit(activationId);
        assertThat(records).anySatisfy(r -> {
            assertThat(r.action()).isEqualTo(AuditAction.OPERATOR_ACTION.wire());
            assertThat(r.actor()).isEqualTo("user:olivia");
            assertThat(r.details()).containsEntry("surface", "cockpit");
        });
        assertThat(records).anySatisfy(r -> {
            assertThat(r.action()).isEqualTo(AuditAction.OPERATION_REFUSED.wire());
            assertThat(r.outcome()).isEqualTo("CorrelateMessageCmd");
            assertThat(r.details()).containsEntry("surface", "cockpit");
        });
        tickets.closeTicket(ticket);
        awaitRevoked(activationId);
    }

    @Test
    void theAdminManagesUsersAndEveryChangeIsAudited() throws Exception {
        var created = admin.send("POST", "/engine-rest/user/create", """
                {"profile": {"id": "newop", "firstName": "New", "lastName": "Operator", "email": "newop@contoso.com"},
                 "credentials": {"password": "a-long-test-password-2"}}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(204);
        var member = admin.send("PUT", "/engine-rest/group/" + Roles.OPERATORS + "/members/newop", null);
        assertThat(member.statusCode()).as(member.body()).isEqualTo(204);
        // an operator may not make others operators
        assertThat(operator.send("PUT", "/engine-rest/group/" + Roles.OPERATORS + "/members/mallory", null)
                        .statusCode())
                .isEqualTo(403);

        awaitAuditChained();
        List<AuditRecord> admin = audit.forActivation(dev.pimflow.audit.AuditEntry.NO_ACTIVATION).stream()
                .filter(r ->
                        AuditAction.OPERATOR_ACTION.is(r.action()) && r.actor().equals("user:admin"))
                .toList();
        assertThat(admin).extracting(r -> r.details().get("entityType")).contains("User", "Group membership");
        assertThat(admin).allSatisfy(r -> assertThat(r.details()).containsEntry("surface", "engine-rest"));
    }

    private String user(String id, String group) {
        if (identity.createUserQuery().userId(id).count() == 0) {
            User u = identity.newUser(id);
            u.setPassword(PASSWORD);
            identity.saveUser(u);
            if (group != null) {
                identity.createMembership(id, group);
            }
        }
        return id;
    }
}
