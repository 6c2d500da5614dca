package dev.pimflow.workflow.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pimflow.workflow.security.Roles;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;

/** Approvers as the approval tests meet them: the stage's announcement, a pimflow login, the stage's Tasklist task. */
public final class Approvers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Approvers() {}

    /** The {@code approval.requested} of this activation ({@code data}). */
    public static JsonNode awaitApprovalRequested(TopicWatcher topics, String activationId, Duration wait) {
        return topics.awaitEvent(
                        "pim.approvals",
                        wait,
                        e -> activationId.equals(
                                e.path("data").path("activationId").asText()))
                .path("data");
    }

    /**
     * The stage's task as the approver finds it in Tasklist (engine REST), by the ticket number.
     *
     * @param engineRest engine REST's base path, {@code /engine-rest} or {@code /engine-rest/engine/<name>}
     */
    public static String taskOf(String ticket, HttpAsUser approver, String engineRest, Duration wait) {
        String[] id = new String[1];
        await().atMost(wait).until(() -> {
            HttpResponse<String> found = approver.get(engineRest + "/task?processInstanceBusinessKey=" + ticket);
            JsonNode list = JSON.readTree(found.body());
            if (found.statusCode() == 200 && list.size() == 1) {
                id[0] = list.get(0).path("id").asText();
                return true;
            }
            return false;
        });
        return id[0];
    }

    /** A pimflow login in the approvers group whose e-mail is the person's in the directory. */
    public static HttpAsUser login(IdentityService identity, int port, String email, String password) {
        String id = email.substring(0, email.indexOf('@')).toLowerCase() + "approver";
        if (identity.createUserQuery().userId(id).count() == 0) {
            User user = identity.newUser(id);
            user.setEmail(email);
            user.setPassword(password);
            identity.saveUser(user);
            identity.createMembership(id, Roles.APPROVERS);
        }
        return new HttpAsUser(port, id, password);
    }
}
