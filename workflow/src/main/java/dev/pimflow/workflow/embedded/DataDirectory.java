package dev.pimflow.workflow.embedded;

import dev.pimflow.workflow.config.PimProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The embedded default keeps its database, broker log and keys under {@code pim.embedded.data-dir} ({@code ./data}):
 * before anything writes there, the directory is made readable by its owner only (rwx------), also when an earlier
 * build created it world-readable, so other local accounts cannot read the H2 file or the broker's records.
 */
public class DataDirectory implements EnvironmentPostProcessor {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        PimProperties.Embedded settings = Binder.get(env).bindOrCreate("pim.embedded", PimProperties.Embedded.class);
        boolean embedded = settings.kafkaEnabled();
        String dir = settings.dataDir();
        String url = env.getProperty("spring.datasource.url", "");
        if (embedded || url.startsWith("jdbc:h2:file:")) {
            ownerOnly(Path.of(dir));
        }
    }

    /** Creates the directory owner-only, or narrows an existing one to its owner. */
    public static void ownerOnly(Path dir) {
        try {
            if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectories(dir);
                return;
            }
            if (Files.isDirectory(dir)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY);
            } else {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                Files.setPosixFilePermissions(dir, OWNER_ONLY); // the umask may have narrowed the attribute above
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot make the data directory " + dir.toAbsolutePath() + " owner-only: " + e.getMessage(), e);
        }
    }
}
