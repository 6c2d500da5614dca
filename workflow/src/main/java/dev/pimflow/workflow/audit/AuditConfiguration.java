package dev.pimflow.workflow.audit;

import dev.pimflow.audit.AuditTrail;
import dev.pimflow.workflow.config.PimProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Clock;

/** The audit trail, keyed with the chain's HMAC key (ADR 0005) and bound to it before anything is chained. */
@Configuration
public class AuditConfiguration {

    @Bean
    public AuditTrail auditTrail(JdbcTemplate jdbc, Clock clock, PimProperties properties) {
        AuditKeys.Loaded key = AuditKeys.load(properties.audit());
        AuditTrail trail = new AuditTrail(jdbc, clock, key.key());
        trail.bindKey(key.setting());
        return trail;
    }
}
