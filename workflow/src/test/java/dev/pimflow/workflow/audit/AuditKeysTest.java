package dev.pimflow.workflow.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pimflow.workflow.config.PimProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

/** Where the audit chain's key comes from (ADR 0005): configuration, a key file, or one generated once in the embedded default. */
class AuditKeysTest {
    @TempDir
    Path dir;

    private static PimProperties.Audit settings(String key, String file, boolean generate) {
        return new PimProperties.Audit(Duration.ofSeconds(1), 500, key, file, generate, Duration.ofHours(1));
    }

    @Test
    void theEmbeddedDefaultGeneratesAnOwnerOnlyKeyFileOnceAndKeepsUsingIt() throws Exception {
        Path file = dir.resolve("data").resolve("audit-hmac.key");
        AuditKeys.Loaded first = AuditKeys.load(settings("", file.toString(), true));
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(file).strip()).hasSizeGreaterThanOrEqualTo(43);
        AuditKeys.Loaded again = AuditKeys.load(settings("", file.toString(), true));
        assertThat(again.key().id()).isEqualTo(first.key().id());
        assertThat(first.setting()).contains("pim.audit.hmac-key-file").contains(file.toString());
    }

    @Test
    void aConfiguredKeyWinsAndATooShortOneIsRefusedNamingTheSetting() {
        assertThat(AuditKeys.load(settings(
                                "configured-key-of-at-least-32-bytes!!",
                                dir.resolve("k").toString(),
                                true))
                        .setting())
                .isEqualTo("pim.audit.hmac-key (PIM_AUDIT_HMAC_KEY)");
        assertThat(dir.resolve("k")).doesNotExist();
        assertThatThrownBy(() -> AuditKeys.load(settings("short", null, false)))
                .hasMessage(
                        "pim.audit.hmac-key (PIM_AUDIT_HMAC_KEY): the audit HMAC key must be at least 32 bytes, got 5");
    }

    @Test
    void withoutAKeyAndWithoutGenerationNothingStartsAndTheErrorNamesTheSettings() {
        assertThatThrownBy(() -> AuditKeys.load(settings("", "", false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "pim.audit.hmac-key (PIM_AUDIT_HMAC_KEY) or pim.audit.hmac-key-file (PIM_AUDIT_HMAC_KEY_FILE) is required");
        Path missing = dir.resolve("nope.key");
        assertThatThrownBy(() -> AuditKeys.load(settings(null, missing.toString(), false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pim.audit.hmac-key-file")
                .hasMessageContaining("does not exist");
        assertThat(missing).doesNotExist();
    }

    @Test
    void theProductionProfileGeneratesNoKey() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application-production.yaml"));
        Properties p = yaml.getObject();
        assertThat(p.getProperty("pim.audit.generate-key-file")).isEqualTo("false");
        assertThat(p.getProperty("pim.audit.hmac-key-file")).isEmpty();
    }
}
