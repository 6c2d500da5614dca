package dev.pimflow.workflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;

/** The defaults written once in {@link PimProperties} are what placeholders and conditions read by name. */
class PimDefaultsTest {
    private static final PimProperties RECORD = new Binder().bindOrCreate("pim", PimProperties.class);

    private static MockEnvironment withDefaults(MockEnvironment env) {
        new PimDefaults().postProcessEnvironment(env, new SpringApplication());
        return env;
    }

    @Test
    void theEnvironmentsDefaultsBindToTheRecordsDefaults() {
        MockEnvironment env = withDefaults(new MockEnvironment());
        assertThat(Binder.get(env).bind("pim", PimProperties.class).get()).isEqualTo(RECORD);
    }

    @Test
    void theSettingsReadByNameSeeTheRecordsDefault() {
        MockEnvironment env = withDefaults(new MockEnvironment());
        assertThat(env.getProperty("pim.topics.tickets"))
                .isEqualTo(RECORD.topics().tickets());
        assertThat(env.getProperty("pim.topics.mfa-responses"))
                .isEqualTo(RECORD.topics().mfaResponses());
        assertThat(env.getProperty("pim.topics.mfa-challenges"))
                .isEqualTo(RECORD.topics().mfaChallenges());
        assertThat(env.getProperty("pim.kafka.ticket-consumers", Integer.class))
                .isEqualTo(RECORD.kafka().ticketConsumers());
        assertThat(env.getProperty("pim.kafka.mfa-consumers", Integer.class))
                .isEqualTo(RECORD.kafka().mfaConsumers());
        assertThat(Duration.parse(env.getProperty("pim.inbound.prune-interval")))
                .isEqualTo(RECORD.inbound().pruneInterval());
        assertThat(Duration.parse(env.getProperty("pim.inbound.rejection-audit-window")))
                .isEqualTo(RECORD.inbound().rejectionAuditWindow());
        assertThat(Duration.parse(env.getProperty("pim.metrics.database-refresh")))
                .isEqualTo(RECORD.metrics().databaseRefresh());
        assertThat(env.getProperty("pim.embedded.kafka-enabled", Boolean.class))
                .isEqualTo(RECORD.embedded().kafkaEnabled());
        assertThat(env.getProperty("pim.embedded.kafka-port", Integer.class))
                .isEqualTo(RECORD.embedded().kafkaPort());
        assertThat(env.getProperty("pim.embedded.data-dir"))
                .isEqualTo(RECORD.embedded().dataDir());
        assertThat(env.getProperty("pim.simulator.enabled", Boolean.class))
                .isEqualTo(RECORD.simulator().enabled());
        assertThat(env.getProperty("pim.mfa.dev-gateway-enabled", Boolean.class))
                .isEqualTo(RECORD.mfa().devGatewayEnabled());
    }

    @Test
    void everythingElseOverridesThem() {
        MockEnvironment env = withDefaults(new MockEnvironment().withProperty("pim.kafka.ticket-consumers", "7"));
        assertThat(env.getProperty("pim.kafka.ticket-consumers")).isEqualTo("7");
        assertThat(env.getPropertySources().stream()
                        .reduce((a, b) -> b)
                        .orElseThrow()
                        .getName())
                .isEqualTo(PimDefaults.SOURCE);
    }
}
