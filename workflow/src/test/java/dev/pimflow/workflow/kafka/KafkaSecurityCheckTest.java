package dev.pimflow.workflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pimflow.workflow.config.PimProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

/**
 * The production profile (the shipped application.yaml and application-production.yaml) refuses to start when the
 * Kafka clients would not authenticate, names the setting that allows it, and starts with SASL/SCRAM or mutual TLS.
 * Spring's Kafka auto-configuration builds the clients' configuration from {@code spring.kafka.*} as in the application;
 * no broker is needed because nothing connects before the check.
 */
class KafkaSecurityCheckTest {
    private static final String SCRAM =
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"orchestrator\" password=\"s3cret-pw\";";

    private final ApplicationContextRunner production = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, SslAutoConfiguration.class))
            .withUserConfiguration(Settings.class, KafkaSecurityCheck.class)
            .withPropertyValues(
                    "spring.profiles.active=production", "spring.kafka.bootstrap-servers=kafka.example:9093");

    @Test
    void refusesAPlaintextBrokerAndNamesTheSettingThatAllowsIt() {
        production.run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure()))
                    .startsWith("Refusing to start in the production profile")
                    .contains("PLAINTEXT")
                    .contains("pim.kafka.allow-unauthenticated=true")
                    .contains("PIM_KAFKA_ALLOW_UNAUTHENTICATED=true");
        });
    }

    @Test
    void refusesTlsWithoutAClientCertificate() {
        production.withPropertyValues("spring.kafka.security.protocol=SSL").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure()))
                    .contains("SSL without a client certificate")
                    .contains("pim.kafka.allow-unauthenticated");
        });
    }

    @Test
    void refusesSaslWithoutALogin() {
        production
                .withPropertyValues(
                        "spring.kafka.security.protocol=SASL_SSL",
                        "spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure()))
                            .contains("SASL_SSL without a login")
                            .contains("sasl.jaas.config")
                            .contains("SCRAM-SHA-512");
                });
    }

    /** Each client's effective configuration counts: here a consumer factory of its own that does not log in. */
    @Test
    void refusesWhenOneClientAloneWouldNotAuthenticate() {
        production
                .withPropertyValues(
                        "spring.kafka.security.protocol=SASL_SSL",
                        "spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512",
                        "spring.kafka.properties.sasl.jaas.config=" + SCRAM)
                .withBean(
                        "kafkaConsumerFactory",
                        ConsumerFactory.class,
                        () -> new DefaultKafkaConsumerFactory<>(
                                Map.of("bootstrap.servers", "kafka.example:9093", "security.protocol", "PLAINTEXT")))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure()))
                            .contains("the consumer uses security.protocol PLAINTEXT")
                            .doesNotContain("the producer")
                            .doesNotContain("the admin")
                            .doesNotContain("s3cret-pw");
                });
    }

    @Test
    void startsWithSaslScram() {
        production
                .withPropertyValues(
                        "spring.kafka.security.protocol=SASL_SSL",
                        "spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512",
                        "spring.kafka.properties.sasl.jaas.config=" + SCRAM)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(KafkaSecurityCheck.class);
                });
    }

    @Test
    void startsWithMutualTls(@TempDir Path dir) throws Exception {
        Path keyStore = Files.createFile(dir.resolve("pimflow.p12"));
        production
                .withPropertyValues(
                        "spring.kafka.security.protocol=SSL",
                        "spring.kafka.ssl.key-store-location=file:" + keyStore,
                        "spring.kafka.ssl.key-store-type=PKCS12",
                        "spring.kafka.ssl.key-store-password=changeit")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(KafkaSecurityCheck.class);
                });
    }

    @Test
    void startsUnauthenticatedOnlyWhenTheSettingSaysSo() {
        production
                .withPropertyValues("pim.kafka.allow-unauthenticated=true")
                .run(context -> assertThat(context).hasNotFailed());
    }

    /** docker-compose.yml configures the orchestrator with these environment variables (relaxed binding). */
    @Test
    void startsWithTheEnvironmentVariablesOfDockerCompose() {
        production
                .withInitializer(environment(Map.of(
                        "SPRING_KAFKA_SECURITY_PROTOCOL",
                        "SASL_PLAINTEXT",
                        "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM",
                        "SCRAM-SHA-512",
                        "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
                        SCRAM)))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Map<String, Object> consumer =
                            context.getBean(ConsumerFactory.class).getConfigurationProperties();
                    assertThat(consumer)
                            .containsEntry("security.protocol", "SASL_PLAINTEXT")
                            .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                            .containsEntry("sasl.jaas.config", SCRAM);
                });
    }

    @Test
    void theEnvironmentVariableAllowsAnUnauthenticatedBroker() {
        production
                .withInitializer(environment(Map.of("PIM_KAFKA_ALLOW_UNAUTHENTICATED", "true")))
                .run(context -> assertThat(context).hasNotFailed());
        production
                .withInitializer(environment(Map.of("PIM_KAFKA_ALLOW_UNAUTHENTICATED", "false")))
                .run(context -> assertThat(context).hasFailed());
    }

    private static ApplicationContextInitializer<ConfigurableApplicationContext> environment(
            Map<String, Object> variables) {
        return context -> context.getEnvironment()
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        "compose-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
    }

    @Test
    void theEmbeddedDefaultIsNotChecked() {
        new ApplicationContextRunner()
                .withInitializer(new ConfigDataApplicationContextInitializer())
                .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, SslAutoConfiguration.class))
                .withUserConfiguration(Settings.class, KafkaSecurityCheck.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(KafkaSecurityCheck.class);
                });
    }

    /** The bound pim.* settings, as the application's @ConfigurationPropertiesScan registers them. */
    @EnableConfigurationProperties(PimProperties.class)
    static class Settings {}

    private static String rootMessage(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
