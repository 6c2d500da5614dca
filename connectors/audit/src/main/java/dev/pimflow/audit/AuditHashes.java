package dev.pimflow.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** How the chain hashes a record (ADR 0005): the canonical JSON of its content, keyed HMAC-SHA256 or, before keying, SHA-256. */
public final class AuditHashes {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private AuditHashes() {}

    /** The record's hash as the chain computes it: HMAC-SHA256 with the key from {@code keyedFromSeq} on, plain SHA-256 before. */
    static String hash(AuditKey key, AuditRecord r, long keyedFromSeq) {
        return r.seq() >= keyedFromSeq ? key.recordMac(r.prevHash(), canonicalJson(hashedFields(r))) : sha256(r);
    }

    /** The record's keyed hash: HMAC-SHA256 (hex) with {@code key} over prevHash, a newline, and the canonical JSON of every field but the hashes. */
    public static String hmac(AuditKey key, AuditRecord r) {
        return key.recordMac(r.prevHash(), canonicalJson(hashedFields(r)));
    }

    /**
     * The hash of records chained before the chain was keyed (seq below {@link AuditTrail#keyedFromSeq()}): SHA-256 (hex) over
     * prevHash, a newline, and the canonical JSON of every field but the hashes. Anyone can compute it.
     */
    public static String sha256(AuditRecord r) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(r.prevHash().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            sha.update(canonicalJson(hashedFields(r)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> hashedFields(AuditRecord r) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("seq", r.seq());
        fields.put("activationId", r.activationId());
        fields.put("at", r.at().toString());
        fields.put("actor", r.actor());
        fields.put("action", r.action());
        fields.put("outcome", r.outcome());
        fields.put("ticketSystem", r.ticketSystem());
        fields.put("ticketNumber", r.ticketNumber());
        fields.put("principalId", r.principalId());
        fields.put("roleDefinitionId", r.roleDefinitionId());
        fields.put("details", r.details());
        return fields;
    }

    static String canonicalJson(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details must be JSON-serialisable", e);
        }
    }

    static ObjectMapper canonicalMapper() {
        return CANONICAL;
    }
}
