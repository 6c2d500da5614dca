package dev.pimflow.workflow.security;

import dev.pimflow.audit.AuditTrail;
import dev.pimflow.workflow.config.PimProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Login throttling per client address (issue 17, finding 4). The filter is ordered before Spring Security's filter
 * chain ({@link SecurityProperties#DEFAULT_FILTER_ORDER}), Camunda's engine REST authentication filter (order 101 in
 * {@link SecurityConfiguration}) and the Cockpit web application's filters (registered after every ordered filter),
 * so a blocked address never reaches a password check.
 */
@Configuration
public class LoginThrottleConfiguration {
    static final int ORDER = SecurityProperties.DEFAULT_FILTER_ORDER - 50;

    @Bean
    public LoginThrottle loginThrottle(PimProperties properties, Clock clock) {
        return new LoginThrottle(properties.logins(), clock);
    }

    @Bean
    public LoginLockouts loginLockouts(MeterRegistry registry, AuditTrail audit, TransactionTemplate tx) {
        return new LoginLockouts(registry, audit, tx);
    }

    @Bean
    public FilterRegistrationBean<LoginThrottleFilter> loginThrottleFilter(
            LoginThrottle throttle, LoginLockouts lockouts) {
        FilterRegistrationBean<LoginThrottleFilter> registration =
                new FilterRegistrationBean<>(new LoginThrottleFilter(throttle, lockouts));
        registration.addUrlPatterns("/*");
        registration.setName("pimflow-login-throttle");
        registration.setOrder(ORDER);
        return registration;
    }
}
