package dev.pimflow.workflow.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** Issue 17, finding 8: ./data (H2 database, broker log, keys) was world-readable; the embedded default makes it owner-only. */
class DataDirectoryIsOwnerOnlyTest {
    @TempDir
    Path tmp;

    @Test
    void aNewDataDirectoryIsCreatedOwnerOnly() throws Exception {
        Path data = tmp.resolve("new/data");
        new DataDirectory().postProcessEnvironment(embeddedDefault(data), new SpringApplication());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
    }

    @Test
    void aWorldReadableDataDirectoryOfAnEarlierBuildIsNarrowed() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        new DataDirectory().postProcessEnvironment(embeddedDefault(data), new SpringApplication());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
    }

    @Test
    void productionLeavesTheDirectoryAlone() {
        Path data = tmp.resolve("unused");
        MockEnvironment env = new MockEnvironment()
                .withProperty("pim.embedded.kafka-enabled", "false")
                .withProperty("pim.embedded.data-dir", data.toString())
                .withProperty("spring.datasource.url", "jdbc:postgresql://localhost/pimflow");
        new DataDirectory().postProcessEnvironment(env, new SpringApplication());
        assertThat(data).doesNotExist();
    }

    private static MockEnvironment embeddedDefault(Path data) {
        return new MockEnvironment()
                .withProperty("pim.embedded.kafka-enabled", "true")
                .withProperty("pim.embedded.data-dir", data.toString());
    }
}
