package dev.pimflow.workflow.security;

import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.AuditAction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the login throttle tells operators (Prometheus names in brackets):
 * <ul>
 *   <li>{@value #FAILURES} [{@code pimflow_login_failures_total{surface}}]: failed logins (answered 401);</li>
 *   <li>{@value #LOCKOUTS} [{@code pimflow_login_lockouts_total{surface}}]: blocks an address earned, one per block
 *       (the first after {@code pim.logins.max-failures}, then one per further failure, each twice as long);</li>
 *   <li>{@value #REFUSED} [{@code pimflow_login_refused_total{surface}}]: login attempts answered 429 while blocked.</li>
 * </ul>
 * Surfaces: {@code product-api} (/api, /dev, /actuator), {@code engine-rest}, {@code cockpit} (its login form),
 * {@code other} (HTTP Basic credentials sent anywhere else that answered 401).
 * <p>
 * Each lockout is also one audit record, {@code login-throttled} (actor: the user name tried, or {@code anonymous}),
 * written in a transaction of its own. Refused requests are not audited: an attacker hammering a blocked address adds
 * nothing to the trail, and one address adds at most one record per block, whose length doubles up to
 * {@code pim.logins.max-delay}.
 */
public class LoginLockouts {
    public static final String FAILURES = "pimflow.login.failures";
    public static final String LOCKOUTS = "pimflow.login.lockouts";
    public static final String REFUSED = "pimflow.login.refused";
    static final String PRODUCT_API = "product-api";
    static final String ENGINE_REST = "engine-rest";
    static final String COCKPIT = "cockpit";
    static final String OTHER = "other";
    static final List<String> SURFACES = List.of(PRODUCT_API, ENGINE_REST, COCKPIT, OTHER);

    private static final Logger log = LoggerFactory.getLogger(LoginLockouts.class);

    private final MeterRegistry registry;
    private final AuditTrail audit;
    private final TransactionTemplate tx;

    public LoginLockouts(MeterRegistry registry, AuditTrail audit, TransactionTemplate tx) {
        this.registry = registry;
        this.audit = audit;
        this.tx = new TransactionTemplate(tx.getTransactionManager());
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        for (String surface : SURFACES) {
            counter(FAILURES, "Failed logins (answered 401)", surface);
            counter(LOCKOUTS, "Client addresses blocked after repeated failed logins, one per block", surface);
            counter(REFUSED, "Login attempts refused (429) while their address was blocked", surface);
        }
    }

    void failed(String surface) {
        counter(FAILURES, null, surface).increment();
    }

    void refused(String surface) {
        counter(REFUSED, null, surface).increment();
    }

    /** An address earned a block: counted, logged and audited (in its own transaction; a failure to audit is logged). */
    void lockedOut(String user, String address, String surface, LoginThrottle.Lockout lockout) {
        counter(LOCKOUTS, null, surface).increment();
        long seconds = Math.max(1, (lockout.lockedFor().toMillis() + 999) / 1000);
        log.warn(
                "Logins from {} refused for {} s after {} failed logins (last: user '{}' on {})",
                address,
                seconds,
                lockout.failures(),
                user,
                surface);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("clientAddress", address);
        details.put("surface", surface);
        details.put("failures", lockout.failures());
        details.put("lockedForSeconds", seconds);
        try {
            tx.executeWithoutResult(status ->
                    audit.record(AuditEntry.system(user, AuditAction.LOGIN_THROTTLED.wire(), "refused", details)));
        } catch (RuntimeException e) {
            log.error("Could not audit the login lockout of {}", address, e);
        }
    }

    private Counter counter(String name, String description, String surface) {
        Counter.Builder b = Counter.builder(name).tag("surface", surface);
        if (description != null) {
            b.description(description);
        }
        return b.register(registry);
    }
}
