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

    static final RowMapper<AuditRecord> ROW = (ResultSet rs, int n) -> new AuditRecord(
            rs.getLong("seq"),
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
            rs.getString("prev_hash"),
            rs.getString("hash"));

    record Pending(
            long id,
            String activationId,
            Instant at,
            String actor,
            String action,
            String outcome,
            String ticketSystem,
            String ticketNumber,
            String principalId,
            String roleDefinitionId,
            String detailsJson) {
        AuditRecord record(long seq, String prevHash) {
            return new AuditRecord(
                    seq,
                    activationId,
                    at,
                    actor,
                    action,
                    outcome,
                    ticketSystem,
                    ticketNumber,
                    principalId,
                    roleDefinitionId,
                    details(detailsJson),
                    prevHash,
                    null);
        }
    }

    static final RowMapper<Pending> PENDING = (ResultSet rs, int n) -> new Pending(
            rs.getLong("id"),
            rs.getString("activation_id"),
            instant(rs),
            rs.getString("actor"),
            rs.getString("action"),
            rs.getString("outcome"),
            rs.getString("ticket_system"),
            rs.getString("ticket_number"),
            rs.getString("principal_id"),
            rs.getString("role_definition_id"),
            rs.getString("details"));

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
