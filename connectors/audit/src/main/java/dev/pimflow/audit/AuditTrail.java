package dev.pimflow.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The append-only, hash-chained audit trail. {@link #append} must run inside the caller's transaction (the step that
 * caused the record), so a record exists exactly when its step committed.
 */
public class AuditTrail {
    public static final String GENESIS_HASH = "0".repeat(64);

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public AuditTrail(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public AuditRecord append(AuditEntry e) {
        Map<String, Object> head = jdbc.queryForMap("SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE");
        long seq = ((Number) head.get("last_seq")).longValue() + 1;
        String prevHash = (String) head.get("last_hash");
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> details = e.details() == null ? Map.of() : e.details();
        AuditRecord unsigned = new AuditRecord(seq, e.activationId(), at, e.actor(), e.action(), e.outcome(), e.ticketSystem(),
                e.ticketNumber(), e.principalId(), e.roleDefinitionId(), details, prevHash, null);
        String hash = hash(unsigned);
        jdbc.update("""
                INSERT INTO audit_record (seq, activation_id, at, actor, action, outcome, ticket_system, ticket_number,
                    principal_id, role_definition_id, details, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                seq, e.activationId(), OffsetDateTime.ofInstant(at, ZoneOffset.UTC), e.actor(), e.action(), e.outcome(),
                e.ticketSystem(), e.ticketNumber(), e.principalId(), e.roleDefinitionId(), canonicalJson(details), prevHash, hash);
        jdbc.update("UPDATE audit_chain_head SET last_seq = ?, last_hash = ? WHERE id = 1", seq, hash);
        return new AuditRecord(seq, e.activationId(), at, e.actor(), e.action(), e.outcome(), e.ticketSystem(), e.ticketNumber(),
                e.principalId(), e.roleDefinitionId(), details, prevHash, hash);
    }

    public List<AuditRecord> forActivation(String activationId) {
        return jdbc.query("SELECT * FROM audit_record WHERE activation_id = ? ORDER BY seq", ROW, activationId);
    }

    /** Walks the whole chain in order and reports the first record whose sequence, link or hash does not verify. */
    public AuditVerification verify() {
        AtomicReference<AuditVerification> failure = new AtomicReference<>();
        long[] expected = {1};
        String[] prev = {GENESIS_HASH};
        long[] checked = {0};
        jdbc.query("SELECT * FROM audit_record ORDER BY seq", rs -> {
            if (failure.get() != null) {
                return;
            }
            AuditRecord r = ROW.mapRow(rs, 0);
            if (r.seq() != expected[0]) {
                failure.set(AuditVerification.broken(checked[0], expected[0], "record " + expected[0] + " is missing"));
                return;
            }
            if (!r.prevHash().equals(prev[0])) {
                failure.set(AuditVerification.broken(checked[0], r.seq(), "prevHash does not match the hash of record " + (r.seq() - 1)));
                return;
            }
            if (!hash(r).equals(r.hash())) {
                failure.set(AuditVerification.broken(checked[0], r.seq(), "hash does not match the record's content"));
                return;
            }
            checked[0]++;
            expected[0]++;
            prev[0] = r.hash();
        });
        if (failure.get() != null) {
            return failure.get();
        }
        Map<String, Object> head = jdbc.queryForMap("SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1");
        long lastSeq = ((Number) head.get("last_seq")).longValue();
        if (lastSeq != expected[0] - 1 || !prev[0].equals(head.get("last_hash"))) {
            return AuditVerification.broken(checked[0], expected[0], "records after " + (expected[0] - 1) + " are missing (head is at " + lastSeq + ")");
        }
        return AuditVerification.ok(checked[0]);
    }

    /** SHA-256 (hex) over prevHash, a newline, and the canonical JSON of every field but the hashes. */
    public static String hash(AuditRecord r) {
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
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(r.prevHash().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            sha.update(canonicalJson(fields).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String canonicalJson(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details must be JSON-serialisable", e);
        }
    }

    private static final RowMapper<AuditRecord> ROW = (ResultSet rs, int n) -> new AuditRecord(
            rs.getLong("seq"), rs.getString("activation_id"), instant(rs), rs.getString("actor"), rs.getString("action"),
            rs.getString("outcome"), rs.getString("ticket_system"), rs.getString("ticket_number"), rs.getString("principal_id"),
            rs.getString("role_definition_id"), details(rs.getString("details")), rs.getString("prev_hash"), rs.getString("hash"));

    private static Instant instant(ResultSet rs) throws SQLException {
        OffsetDateTime at = rs.getObject("at", OffsetDateTime.class);
        return at.toInstant();
    }

    private static Map<String, Object> details(String json) {
        try {
            return CANONICAL.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            // an edited row with broken JSON still has to be reported by verify, not crash it
            return Map.of("unreadable", json);
        }
    }

}
