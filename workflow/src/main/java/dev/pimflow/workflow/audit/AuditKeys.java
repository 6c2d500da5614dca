package dev.pimflow.workflow.audit;

import dev.pimflow.audit.AuditKey;
import dev.pimflow.workflow.config.PimProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the audit chain's HMAC key comes from (ADR 0005): {@code pim.audit.hmac-key}, or the content of
 * {@code pim.audit.hmac-key-file}; in the embedded default a missing key file is created once with a random key,
 * owner-only ({@code rw-------}). The production profile generates nothing: without a key it does not start. The key
 * itself is never logged, only where it came from and its public id.
 */
final class AuditKeys {
    private static final Logger log = LoggerFactory.getLogger(AuditKeys.class);
    static final String KEY_SETTING = "pim.audit.hmac-key (PIM_AUDIT_HMAC_KEY)";
    static final String FILE_SETTING = "pim.audit.hmac-key-file (PIM_AUDIT_HMAC_KEY_FILE)";

    /** The key and the setting it came from (named in errors, e.g. when it is not the chain's key). */
    record Loaded(AuditKey key, String setting) {}

    private AuditKeys() {}

    static Loaded load(PimProperties.Audit settings) {
        String text = settings.hmacKey();
        String file = settings.hmacKeyFile();
        if (text != null && !text.isBlank()) {
            AuditKey key = AuditKey.of(text, KEY_SETTING);
            log.info("Audit chain keyed with {} (key id {})", KEY_SETTING, key.id());
            return new Loaded(key, KEY_SETTING);
        }
        if (file == null || file.isBlank()) {
            throw new IllegalStateException(KEY_SETTING + " or " + FILE_SETTING
                    + " is required: the audit chain is keyed with it (HMAC-SHA256, "
                    + "at least " + AuditKey.MIN_BYTES
                    + " bytes, kept out of the database; ADR 0005). Generate one, e.g. with "
                    + "'openssl rand -base64 32', keep it in your secret store and back it up");
        }
        Path path = Path.of(file);
        String setting = FILE_SETTING.replace(")", ": " + path + ")");
        if (Files.notExists(path)) {
            if (!settings.generateKeyFile()) {
                throw new IllegalStateException(setting
                        + ": the file does not exist (and pim.audit.generate-key-file is false): "
                        + "give the audit chain's HMAC key, at least " + AuditKey.MIN_BYTES + " bytes (ADR 0005)");
            }
            if (generate(path)) {
                log.warn(
                        "==> Generated the audit chain's HMAC key into {} (owner-only). Back it up apart from the database: without it "
                                + "the chain cannot be verified or continued. Set PIM_AUDIT_HMAC_KEY to use a key of your own.",
                        path.toAbsolutePath());
            }
        }
        try {
            warnIfOthersMayRead(path);
            AuditKey key = AuditKey.of(Files.readString(path, StandardCharsets.UTF_8), setting);
            log.info("Audit chain keyed with the key in {} (key id {})", path, key.id());
            return new Loaded(key, setting);
        } catch (IOException e) {
            throw new IllegalStateException(setting + ": cannot read the audit chain's HMAC key: " + e.getMessage(), e);
        }
    }

    /** Creates the key file with 32 random bytes (base64url), owner-only from the start; false when it appeared meanwhile. */
    static boolean generate(Path path) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n";
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (posix(path)) {
                Files.createFile(
                        path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(path);
            }
            Files.writeString(path, key, StandardCharsets.UTF_8);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new IllegalStateException(
                    FILE_SETTING + ": cannot create the audit chain's HMAC key file " + path + ": " + e.getMessage(),
                    e);
        }
    }

    private static void warnIfOthersMayRead(Path path) throws IOException {
        if (!posix(path)) {
            return;
        }
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
        if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
            log.warn(
                    "The audit chain's HMAC key file {} can be read by others ({}): make it owner-only (chmod 600)",
                    path,
                    PosixFilePermissions.toString(p));
        }
    }

    private static boolean posix(Path path) {
        Path dir = path.toAbsolutePath().getParent();
        return (dir != null ? dir : path)
                .getFileSystem()
                .supportedFileAttributeViews()
                .contains("posix");
    }
}
