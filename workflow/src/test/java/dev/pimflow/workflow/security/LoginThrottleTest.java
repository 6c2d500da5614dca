package dev.pimflow.workflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pimflow.workflow.config.PimProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The delay an address earns: after max-failures, initial-delay doubling up to max-delay; it ends, and is forgotten. */
class LoginThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final LoginThrottle throttle =
            new LoginThrottle(new PimProperties.Logins(3, Duration.ofSeconds(5), Duration.ofSeconds(60)), clock);

    @Test
    void anAddressIsBlockedAfterMaxFailuresForADelayThatDoublesUpToTheCap() {
        assertThat(throttle.failed("10.0.0.1")).isNull();
        assertThat(throttle.failed("10.0.0.1")).isNull();
        assertThat(throttle.retryAfter("10.0.0.1")).isZero();
        assertThat(throttle.failed("10.0.0.1")).isEqualTo(new LoginThrottle.Lockout(3, Duration.ofSeconds(5)));
        assertThat(throttle.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(5));
        assertThat(throttle.retryAfter("10.0.0.2"))
                .as("other addresses are not affected")
                .isZero();

        clock.advance(Duration.ofSeconds(4));
        assertThat(throttle.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter("10.0.0.1"))
                .as("the block ends by itself")
                .isZero();

        Duration[] expected = {
            Duration.ofSeconds(10),
            Duration.ofSeconds(20),
            Duration.ofSeconds(40),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60)
        };
        for (Duration d : expected) {
            LoginThrottle.Lockout lockout = throttle.failed("10.0.0.1");
            assertThat(lockout.lockedFor()).isEqualTo(d);
            clock.advance(d);
        }
    }

    @Test
    void anAddressIsForgottenMaxDelayAfterItsLastBlockEnded() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("10.0.0.1");
        }
        clock.advance(Duration.ofSeconds(5 + 59));
        assertThat(throttle.failed("10.0.0.1").lockedFor())
                .as("still remembered: the next failure doubles")
                .isEqualTo(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(10 + 60));
        assertThat(throttle.failed("10.0.0.1")).as("forgotten: a fresh start").isNull();
    }

    @Test
    void aBlockedAddressEarnsNoFurtherLockoutUntilItsBlockEnds() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("10.0.0.1");
        }
        // a request let through just before the block began and failed after it: no second lockout, no longer block
        assertThat(throttle.failed("10.0.0.1")).isNull();
        assertThat(throttle.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theDelayNeverOverflows() {
        assertThat(throttle.delay(0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(throttle.delay(1_000_000)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new PimProperties.Logins(0, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .hasMessageContaining("pim.logins.max-failures")
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new PimProperties.Logins(5, Duration.ZERO, Duration.ofSeconds(2)))
                .hasMessageContaining("pim.logins.initial-delay")
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> new PimProperties.Logins(5, Duration.ofSeconds(10), Duration.ofSeconds(2)))
                .hasMessageContaining("pim.logins.max-delay")
                .hasMessageContaining("at least pim.logins.initial-delay");
    }

    @Test
    void theUserNameTriedIsReadFromBasicCredentialsAndCleaned() {
        assertThat(LoginThrottleFilter.basicUser(
                        "Basic " + java.util.Base64.getEncoder().encodeToString("admin:pw:with:colons".getBytes())))
                .isEqualTo("admin");
        assertThat(LoginThrottleFilter.basicUser("Basic !!!not-base64")).isEqualTo("anonymous");
        assertThat(LoginThrottleFilter.basicUser(
                        "Basic " + java.util.Base64.getEncoder().encodeToString(":pw".getBytes())))
                .isEqualTo("anonymous");
        assertThat(LoginThrottleFilter.clean("evil\nuser")).isEqualTo("eviluser");
        assertThat(LoginThrottleFilter.clean("x".repeat(500))).hasSize(100);
        assertThat(LoginThrottleFilter.surface("/engine-rest/process-instance")).isEqualTo("engine-rest");
        assertThat(LoginThrottleFilter.surface("/actuator/prometheus")).isEqualTo("product-api");
        assertThat(LoginThrottleFilter.surface("/camunda/app/")).isEqualTo("other");
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
