package dev.pimflow.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret the audit chain is keyed with (ADR 0005): HMAC-SHA256, from configuration or a key file, never stored in
 * the database. Whoever can write the database but does not hold this key cannot produce a record hash, a chain head
 * or a checkpoint that verifies. {@link #toString()} never shows the key.
 */
public final class AuditKey {
    /** The shortest key accepted, in bytes (the HMAC-SHA256 output size). */
    public static final int MIN_BYTES = 32;

    private final byte[] key;
    private final String id;

    private AuditKey(byte[] key) {
        this.key = key.clone();
        this.id = HexFormat.of()
                .formatHex(mac("pimflow:audit.key-id".getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
    }

    /**
     * The key from its text (a setting or a key file's content, surrounding white space ignored), as UTF-8 bytes.
     *
     * @param setting the setting's name, for the error message
     * @throws IllegalArgumentException naming the setting when the key is missing or shorter than {@link #MIN_BYTES}
     */
    public static AuditKey of(String text, String setting) {
        String t = text == null ? "" : text.strip();
        byte[] bytes = t.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException(
                    setting + ": the audit HMAC key must be at least " + MIN_BYTES + " bytes, got " + bytes.length);
        }
        return new AuditKey(bytes);
    }

    /**
     * A public fingerprint of the key (16 hex digits of an HMAC of a fixed text): stored with the chain so that a node
     * started with another key refuses to start instead of forking the chain. It reveals nothing about the key.
     */
    public String id() {
        return id;
    }

    /** HMAC-SHA256 (hex) of a record: over its predecessor's hash, a newline and its canonical JSON. */
    String recordMac(String prevHash, String canonicalJson) {
        return HexFormat.of().formatHex(mac((prevHash + "\n" + canonicalJson).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * HMAC-SHA256 (hex) that attests "the chain's head is record {@code seq} with hash {@code hash}, and its keyed part
     * starts at {@code keyedFromSeq}": the database head's MAC and every checkpoint published to {@code pim.audit}.
     */
    public String headMac(long seq, String hash, long keyedFromSeq) {
        return HexFormat.of()
                .formatHex(mac(("pimflow:audit.head\n" + seq + "\n" + hash + "\n" + keyedFromSeq)
                        .getBytes(StandardCharsets.UTF_8)));
    }

    /** Constant-time comparison of two hex MACs. */
    static boolean sameMac(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditKey k && MessageDigest.isEqual(key, k.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(id.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "AuditKey[id=" + id + "]";
    }
}
