package dev.pimflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --kafka-config}: pimctl talks to a broker that authenticates (SASL/SCRAM or mutual TLS, README "Kafka
 * security") with the client settings of a properties file, whose secrets never appear on the command line or in a
 * message; a file that would change anything but authentication is refused, naming the key.
 */
class KafkaConfigTest {
    private static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"contoso-icm\" "
                    + "password=\"a-kafka-secret-for-the-test\";";

    @TempDir
    Path dir;

    @Test
    void theFilesAuthenticationSettingsReachEveryKafkaClient() throws Exception {
        Path file = Files.writeString(
                dir.resolve("kafka.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                ssl.truststore.location=/etc/pimflow/ca.p12
                """ + "sasl.jaas.config=" + JAAS.replace("\"", "\\\"") + "\n");
        Map<String, String> security = Inputs.kafkaSecurity(new picocli.CommandLine(new Pimctl()), file);
        KafkaIo io = new KafkaIo(new KafkaSettings("kafka-1:9093", Duration.ofSeconds(5), security));
        for (var config : java.util.List.of(io.producerConfig(), io.consumerConfig(), io.adminConfig())) {
            assertThat(config)
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("sasl.jaas.config", JAAS)
                    .containsEntry("ssl.truststore.location", "/etc/pimflow/ca.p12")
                    .containsEntry("bootstrap.servers", "kafka-1:9093");
        }
        assertThat(new KafkaSettings("kafka-1:9093", Duration.ofSeconds(5), security).toString())
                .doesNotContain("a-kafka-secret");
    }

    @Test
    void aFileThatSetsMoreThanAuthenticationIsAUsageErrorNamingTheKey() throws Exception {
        Path file = Files.writeString(
                dir.resolve("kafka.properties"), "security.protocol=SASL_SSL\nbootstrap.servers=evil:9092\n");
        CliRun run = CliRun.run(
                "--kafka-config",
                file.toString(),
                "--bootstrap-servers",
                "localhost:1",
                "--timeout",
                "2",
                "events",
                "--topic",
                "pim.audit",
                "--wait",
                "0");
        assertThat(run.exitCode()).isEqualTo(Pimctl.EXIT_USAGE);
        assertThat(run.err()).contains("--kafka-config").contains("'bootstrap.servers'");
    }

    @Test
    void anUnreadableFileIsAUsageError() {
        CliRun run = CliRun.run(
                "--kafka-config",
                dir.resolve("missing.properties").toString(),
                "--bootstrap-servers",
                "localhost:1",
                "events",
                "--topic",
                "pim.audit",
                "--wait",
                "0");
        assertThat(run.exitCode()).isEqualTo(Pimctl.EXIT_USAGE);
        assertThat(run.err()).contains("--kafka-config").contains("cannot be read");
    }
}
