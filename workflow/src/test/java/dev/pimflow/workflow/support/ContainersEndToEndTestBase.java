package dev.pimflow.workflow.support;

import java.time.Duration;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers mode: the whole orchestrator as in {@link EndToEndTestBase}, but against a Kafka broker (KRaft) and a
 * PostgreSQL server in containers, the way a deployment runs them. It deliberately does not extend
 * {@link EndToEndTestBase}, whose {@code @EmbeddedKafka} would be inherited; both extend {@link EndToEndHarnessBase}.
 *
 * <p>Where no Docker engine answers, {@link DockerEngineCondition} skips the class before any container or Spring
 * context starts. The containers are started once per JVM (on first use of a subclass) and removed by Testcontainers'
 * reaper when the JVM ends. Images: {@code pimflow.test.kafka-image} (default {@value #KAFKA_IMAGE}) and
 * {@code pimflow.test.postgres-image} (default {@value #POSTGRES_IMAGE}), the same as docker-compose.yml.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "camunda.bpm.process-engine-name=containerstest")
@ActiveProfiles("test")
@ExtendWith(DockerEngineCondition.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ContainersEndToEndTestBase extends EndToEndHarnessBase {
    public static final String KAFKA_IMAGE = "apache/kafka:3.9.1";
    public static final String POSTGRES_IMAGE = "postgres:16-alpine";
    protected static final Duration WAIT = Duration.ofSeconds(60);

    protected static final KafkaContainer KAFKA =
            new KafkaContainer(DockerImageName.parse(System.getProperty("pimflow.test.kafka-image", KAFKA_IMAGE)));
    protected static final PostgreSQLContainer<?> POSTGRES = new PostgreSQLContainer<>(
                    DockerImageName.parse(System.getProperty("pimflow.test.postgres-image", POSTGRES_IMAGE))
                            .asCompatibleSubstituteFor("postgres"))
            .withDatabaseName("pimflow")
            .withUsername("pimflow")
            .withPassword("pimflow");

    static {
        // class initialisation happens only when a subclass runs, i.e. after DockerEngineCondition let it
        KAFKA.start();
        POSTGRES.start();
    }

    @DynamicPropertySource
    static void containers(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::getBootstrapServers);
        registry.add("spring.datasource.url", POSTGRES::getJdbcUrl);
        registry.add("spring.datasource.username", POSTGRES::getUsername);
        registry.add("spring.datasource.password", POSTGRES::getPassword);
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "10");
    }

    protected ContainersEndToEndTestBase() {
        super(WAIT);
    }

    @Override
    protected String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }
}
