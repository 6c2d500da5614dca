package dev.pimflow.workflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml's kafka-init (scripts/kafka/compose-init.sh) and apply-acls.sh without a broker: the Kafka
 * tools are stand-ins that record their arguments, so what the scripts would run is checked here (no Docker engine on
 * this machine); KafkaAclsKeepOtherClientsOutTest proves that those ACLs keep other clients out of a real broker.
 */
class KafkaInitScriptsTest {

    @Test
    void composeInitCreatesTheUsersAndAddsEveryAclOfTheTableAsTheAdmin(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls.txt");
        for (String tool : List.of("kafka-configs.sh", "kafka-acls.sh")) {
            Path script = bin.resolve(tool);
            // records its name, its arguments and the admin properties it was given
            Files.writeString(
                    script,
                    "#!/usr/bin/env bash\n"
                            + "prev=''; for a in \"$@\"; do if [ \"$prev\" = --command-config ]; then cat \"$a\" | sed 's/^/  config: /' >> '"
                            + calls + "'; fi; prev=\"$a\"; done\n"
                            + "echo \"" + tool + " $*\" >> '" + calls + "'\n");
            script.toFile().setExecutable(true);
        }
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BIN",
                bin.toString(),
                "KAFKA_BOOTSTRAP",
                "kafka:9092",
                "ADMIN_PASSWORD",
                "adminPw1",
                "ORCHESTRATOR_PASSWORD",
                "orchestratorPw1",
                "AUDITOR_PASSWORD",
                "auditorPw1"));
        Process process = run(env, "bash", "../scripts/kafka/compose-init.sh");
        assertThat(process.exitValue()).isZero();
        List<String> lines = Files.readAllLines(calls);

        assertThat(lines)
                .contains(
                        "kafka-configs.sh --bootstrap-server kafka:9092 --command-config " + configFile(lines)
                                + " --alter --add-config SCRAM-SHA-512=[iterations=8192,password=orchestratorPw1] --entity-type users --entity-name orchestrator");
        assertThat(lines).anyMatch(l -> l.startsWith("kafka-configs.sh") && l.endsWith("--entity-name auditor"));
        assertThat(lines).noneMatch(l -> l.startsWith("kafka-configs.sh") && l.endsWith("--entity-name ticket-system"));
        assertThat(lines)
                .contains(
                        "  config: security.protocol=SASL_PLAINTEXT",
                        "  config: sasl.mechanism=PLAIN",
                        "  config: sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"adminPw1\";");

        // every line of the table, for the four parties (not the dev gateway: PIM_MFA_DEV_GATEWAY_ENABLED is not true)
        List<String> acls =
                lines.stream().filter(l -> l.startsWith("kafka-acls.sh")).toList();
        assertThat(acls).hasSize((int) Files.readAllLines(KafkaAclsKeepOtherClientsOutTest.ACL_TABLE).stream()
                .map(String::trim)
                .filter(l -> l.matches("(orchestrator|ticket-system|mfa-gateway|auditor)\\s.*"))
                .count());
        assertThat(acls).allMatch(l -> l.startsWith("kafka-acls.sh --bootstrap-server kafka:9092 --command-config "));
        assertThat(acls)
                .contains(
                        "kafka-acls.sh --bootstrap-server kafka:9092 --command-config " + configFile(lines)
                                + " --add --allow-principal User:orchestrator --operation Read --group pimflow.ticket-events --resource-pattern-type literal");
        // approval decisions get the MFA responses' treatment: the orchestrator reads them in its own group, the MFA
        // gateway writes them
        assertThat(acls)
                .contains(
                        "kafka-acls.sh --bootstrap-server kafka:9092 --command-config " + configFile(lines)
                                + " --add --allow-principal User:orchestrator --operation Read --group pimflow.approval-decisions --resource-pattern-type literal",
                        "kafka-acls.sh --bootstrap-server kafka:9092 --command-config " + configFile(lines)
                                + " --add --allow-principal User:mfa-gateway --operation Write --topic pim.approvals.decisions --resource-pattern-type literal");
        assertThat(acls).noneMatch(l -> l.contains("pimflow-dev-mfa-gateway"));
    }

    @Test
    void aKafkaPasswordThatWouldBreakTheScramArgumentIsRefused(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BIN", bin.toString(), "ADMIN_PASSWORD", "adminPw1", "ORCHESTRATOR_PASSWORD", "pw,iterations=1"));
        Process process = run(env, "bash", "../scripts/kafka/compose-init.sh");
        assertThat(process.exitValue()).isNotZero();
        assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("orchestrator");
    }

    @Test
    void applyAclsRefusesAMalformedTable(@TempDir Path dir) throws Exception {
        Path table = Files.writeString(dir.resolve("acls.txt"), "orchestrator topic literal tickets.events\n");
        Process process = run(
                Map.of("ACLS_FILE", table.toString()),
                "bash",
                KafkaAclsKeepOtherClientsOutTest.ACL_SCRIPT.toString(),
                "--dry-run",
                "--principal",
                "orchestrator=User:orchestrator");
        assertThat(process.exitValue()).isNotZero();
        assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("acls.txt:1: expected 5 columns");
    }

    private static String configFile(List<String> lines) {
        return lines.stream()
                .filter(l -> l.startsWith("kafka-configs.sh"))
                .findFirst()
                .orElseThrow()
                .replaceAll(".*--command-config (\\S+).*", "$1");
    }

    private static Process run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return process;
    }
}
