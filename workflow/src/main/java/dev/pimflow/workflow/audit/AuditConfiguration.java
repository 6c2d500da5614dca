package dev.pimflow.workflow.audit;

import dev.pimflow.audit.AuditTrail;
import dev.pimflow.workflow.config.PimProperties;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The audit trail, keyed with the chain's HMAC key (ADR 0005) and bound to it before anything is chained; each record
 * wakes the chainer after its transaction commits.
 */
@Configuration
public class AuditConfiguration {

    @Bean
    public AuditTrail auditTrail(JdbcTemplate jdbc, Clock clock, PimProperties properties, AuditSignal chainer) {
        AuditKeys.Loaded key = AuditKeys.load(properties.audit());
        // every record wakes the chainer once its transaction commits (ADR 0003)
        AuditTrail trail = new AuditTrail(jdbc, clock, key.key(), chainer::wakeAfterCommit);
        trail.bindKey(key.setting());
        return trail;
    }
}
