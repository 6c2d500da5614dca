package dev.pimflow.workflow.activation;

import dev.pimflow.workflow.directory.People;
import java.util.Locale;
import java.util.Optional;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.springframework.stereotype.Component;

/**
 * Who a pimflow login (Tasklist, the product API) is in the directory, for approval decisions (DESIGN §9.3): the
 * Camunda user's e-mail address, resolved in Entra like a ticket system's person (user principal name, then
 * {@code mail}). Logins are pimflow's own, so whoever manages them (the admin) decides who they are: README says
 * so, and where the identity provider is configured, approvers confirm with it instead.
 */
@Component
public class ApproverIdentity {
    private final IdentityService identity;
    private final People people;

    public ApproverIdentity(IdentityService identity, People people) {
        this.identity = identity;
        this.people = people;
    }

    /** The login's Entra object id; empty when the login has no e-mail, or the directory knows none with it. */
    public Optional<String> of(String loginId) {
        if (loginId == null) {
            return Optional.empty();
        }
        User user = identity.createUserQuery().userId(loginId).singleResult();
        if (user == null || user.getEmail() == null || user.getEmail().isBlank()) {
            return Optional.empty();
        }
        return people.objectId(user.getEmail().strip()).map(id -> id.toLowerCase(Locale.ROOT));
    }
}
