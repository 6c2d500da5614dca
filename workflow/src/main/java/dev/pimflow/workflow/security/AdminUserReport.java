package dev.pimflow.workflow.security;

import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.AuditAction;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.camunda.bpm.engine.impl.util.EncryptionUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * After start: prints a generated admin password once (to the console, not the log, so no log file ever holds it),
 * and makes a configured {@code pim.admin.password} the admin's password even if the user existed before. A configured
 * password also unlocks the admin: Camunda's failed-login count and lock are cleared (audited as
 * {@code admin-unlocked} when there was one), so restarting with {@code PIM_ADMIN_PASSWORD} is the way back in for
 * an operator whose admin is locked (issue 17, finding 4).
 * <p>
 * Passwords are compared without {@link IdentityService#checkPassword}, which counts a mismatch as a failed login: an
 * old or generated password that no longer matches must not lock the admin a little more at every start.
 */
@Component
public class AdminUserReport implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(AdminUserReport.class);

    private final IdentityService identity;
    private final ProcessEngineConfigurationImpl engine;
    private final Environment env;
    private final AuditTrail audit;
    private final TransactionTemplate tx;

    public AdminUserReport(
            IdentityService identity, ProcessEngine engine, Environment env, AuditTrail audit, TransactionTemplate tx) {
        this.identity = identity;
        this.engine = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
        this.env = env;
        this.audit = audit;
        this.tx = tx;
    }

    @Override
    public void run(ApplicationArguments args) {
        String user = env.getProperty("camunda.bpm.admin-user.id", "admin");
        UserEntity u = (UserEntity) identity.createUserQuery().userId(user).singleResult();
        String generated = env.getProperty(AdminPasswordEnvironment.GENERATED);
        if (generated != null) {
            if (u != null && matches(u, generated)) {
                System.out.println();
                System.out.println(
                        "==> pimflow admin user '" + user + "' created with the generated password: " + generated);
                System.out.println("    It is shown only this once. Set PIM_ADMIN_PASSWORD to choose your own.");
                System.out.println();
            } else {
                System.out.println(
                        "==> pimflow admin user '" + user + "' exists; its password was printed when it was created. "
                                + "Set PIM_ADMIN_PASSWORD to reset it (which also unlocks it).");
            }
            return;
        }
        String configured = env.getProperty("camunda.bpm.admin-user.password");
        if (configured == null || u == null) {
            return;
        }
        if (!matches(u, configured)) {
            u.setPassword(configured);
            identity.saveUser(u);
        }
        if (u.getAttempts() > 0 || u.getLockExpirationTime() != null) {
            identity.unlockUser(user);
            log.warn(
                    "Admin user '{}' unlocked at start because PIM_ADMIN_PASSWORD is set ({} failed logins, locked until {})",
                    user,
                    u.getAttempts(),
                    u.getLockExpirationTime());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("user", user);
            details.put("failedLogins", u.getAttempts());
            details.put(
                    "lockedUntil",
                    u.getLockExpirationTime() == null
                            ? null
                            : u.getLockExpirationTime().toInstant().toString());
            tx.executeWithoutResult(status ->
                    audit.record(AuditEntry.system("pimflow", AuditAction.ADMIN_UNLOCKED.wire(), "unlocked", details)));
        }
    }

    /** The user's stored password hash matches, checked the way Camunda checks it but without counting a mismatch. */
    private boolean matches(UserEntity u, String password) {
        return u.getPassword() != null
                && engine.getPasswordManager()
                        .check(EncryptionUtil.saltPassword(password, u.getSalt()), u.getPassword());
    }
}
