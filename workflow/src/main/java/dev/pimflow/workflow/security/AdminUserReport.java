package dev.pimflow.workflow.security;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * After start: prints a generated admin password once (to the console, not the log, so no log file ever holds it),
 * and makes a configured {@code pim.admin.password} the admin's password even if the user existed before.
 */
@Component
public class AdminUserReport implements ApplicationRunner {
    private final IdentityService identity;
    private final Environment env;

    public AdminUserReport(IdentityService identity, Environment env) {
        this.identity = identity;
        this.env = env;
    }

    @Override
    public void run(ApplicationArguments args) {
        String user = env.getProperty("camunda.bpm.admin-user.id", "admin");
        String generated = env.getProperty(AdminPasswordEnvironment.GENERATED);
        if (generated != null) {
            if (identity.checkPassword(user, generated)) {
                System.out.println();
                System.out.println("==> pimflow admin user '" + user + "' created with the generated password: " + generated);
                System.out.println("    It is shown only this once. Set PIM_ADMIN_PASSWORD to choose your own.");
                System.out.println();
            } else {
                System.out.println("==> pimflow admin user '" + user + "' exists; its password was printed when it was created. "
                        + "Set PIM_ADMIN_PASSWORD to reset it.");
            }
            return;
        }
        String configured = env.getProperty("camunda.bpm.admin-user.password");
        if (configured != null && !identity.checkPassword(user, configured)) {
            User u = identity.createUserQuery().userId(user).singleResult();
            if (u != null) {
                u.setPassword(configured);
                identity.saveUser(u);
            }
        }
    }
}
