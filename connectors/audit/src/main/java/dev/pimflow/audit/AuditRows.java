package dev.pimflow.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.RowMapper;

/** The audit tables' rows as records. */
final class AuditRows {

    private AuditRows() {}

    static final RowMapper<AuditRecord> ROW = (ResultSet rs, int n) ->
            content(rs).inChain(rs.getLong("seq"), rs.getString("prev_hash"), rs.getString("hash"));

    /** A committed record waiting for the chainer: its content, and its details as stored (what the chain keeps). */
    record Pending(long id, AuditRecord content, String detailsJson) {
        AuditRecord record(long seq, String prevHash) {
            return content.inChain(seq, prevHash, null);
        }
    }

    static final RowMapper<Pending> PENDING =
            (ResultSet rs, int n) -> new Pending(rs.getLong("id"), content(rs), rs.getString("details"));

    /** The columns audit_record and audit_pending share, as a record not placed in the chain yet. */
    private static AuditRecord content(ResultSet rs) throws SQLException {
        return new AuditRecord(
                0,
                rs.getString("activation_id"),
                instant(rs),
                rs.getString("actor"),
                rs.getString("action"),
                rs.getString("outcome"),
                rs.getString("ticket_system"),
                rs.getString("ticket_number"),
                rs.getString("principal_id"),
                rs.getString("role_definition_id"),
                details(rs.getString("details")),
                null,
                null);
    }

    private static Instant instant(ResultSet rs) throws SQLException {
        OffsetDateTime at = rs.getObject("at", OffsetDateTime.class);
        return at.toInstant();
    }

    static Map<String, Object> details(String json) {
        try {
            return AuditHashes.canonicalMapper().readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            // an edited row with broken JSON still has to be reported by verify, not crash it
            return Map.of("unreadable", json);
        }
    }
}
