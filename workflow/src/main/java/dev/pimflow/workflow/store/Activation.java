package dev.pimflow.workflow.store;

import dev.pimflow.audit.AuditEntry;
import dev.pimflow.contracts.Status;
import java.time.Instant;
import java.util.Map;

/**
 * One requested activation as the orchestrator keeps it (the process instance holds the flow, this row the facts).
 * {@code status} is a {@link Status}'s string; build one with {@link #builder()}.
 */
public record Activation(
        String id,
        String ticketSystem,
        String ticketNumber,
        String principalId,
        String roleDefinitionId,
        String directoryScopeId,
        String justification,
        String requestedDuration,
        String roleDisplayName,
        String status,
        String reason,
        String processInstanceId,
        String challengeId,
        Instant challengeExpiresAt,
        Instant startDateTime,
        Instant endDateTime,
        String pimRequestId,
        String requestEventId,
        Instant createdAt,
        Instant updatedAt) {

    public static String liveKey(
            String ticketSystem,
            String ticketNumber,
            String principalId,
            String roleDefinitionId,
            String directoryScopeId) {
        return String.join(
                "|",
                ticketSystem,
                ticketNumber,
                principalId.toLowerCase(),
                roleDefinitionId.toLowerCase(),
                directoryScopeId);
    }

    public boolean live() {
        return Status.fromWire(status).map(Status::live).orElse(false);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Names each fact it is given; what is not given is null. */
    public static final class Builder {
        private String id;
        private String ticketSystem;
        private String ticketNumber;
        private String principalId;
        private String roleDefinitionId;
        private String directoryScopeId;
        private String justification;
        private String requestedDuration;
        private String roleDisplayName;
        private String status;
        private String reason;
        private String processInstanceId;
        private String challengeId;
        private Instant challengeExpiresAt;
        private Instant startDateTime;
        private Instant endDateTime;
        private String pimRequestId;
        private String requestEventId;
        private Instant createdAt;
        private Instant updatedAt;

        private Builder() {}

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder ticketSystem(String ticketSystem) {
            this.ticketSystem = ticketSystem;
            return this;
        }

        public Builder ticketNumber(String ticketNumber) {
            this.ticketNumber = ticketNumber;
            return this;
        }

        public Builder principalId(String principalId) {
            this.principalId = principalId;
            return this;
        }

        public Builder roleDefinitionId(String roleDefinitionId) {
            this.roleDefinitionId = roleDefinitionId;
            return this;
        }

        public Builder directoryScopeId(String directoryScopeId) {
            this.directoryScopeId = directoryScopeId;
            return this;
        }

        public Builder justification(String justification) {
            this.justification = justification;
            return this;
        }

        public Builder requestedDuration(String requestedDuration) {
            this.requestedDuration = requestedDuration;
            return this;
        }

        public Builder roleDisplayName(String roleDisplayName) {
            this.roleDisplayName = roleDisplayName;
            return this;
        }

        public Builder status(Status status) {
            return status(status.wire());
        }

        /** The status as stored (a {@link Status}'s string). */
        public Builder status(String status) {
            this.status = status;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder processInstanceId(String processInstanceId) {
            this.processInstanceId = processInstanceId;
            return this;
        }

        public Builder challengeId(String challengeId) {
            this.challengeId = challengeId;
            return this;
        }

        public Builder challengeExpiresAt(Instant challengeExpiresAt) {
            this.challengeExpiresAt = challengeExpiresAt;
            return this;
        }

        public Builder startDateTime(Instant startDateTime) {
            this.startDateTime = startDateTime;
            return this;
        }

        public Builder endDateTime(Instant endDateTime) {
            this.endDateTime = endDateTime;
            return this;
        }

        public Builder pimRequestId(String pimRequestId) {
            this.pimRequestId = pimRequestId;
            return this;
        }

        public Builder requestEventId(String requestEventId) {
            this.requestEventId = requestEventId;
            return this;
        }

        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        public Builder updatedAt(Instant updatedAt) {
            this.updatedAt = updatedAt;
            return this;
        }

        public Activation build() {
            return new Activation(
                    id,
                    ticketSystem,
                    ticketNumber,
                    principalId,
                    roleDefinitionId,
                    directoryScopeId,
                    justification,
                    requestedDuration,
                    roleDisplayName,
                    status,
                    reason,
                    processInstanceId,
                    challengeId,
                    challengeExpiresAt,
                    startDateTime,
                    endDateTime,
                    pimRequestId,
                    requestEventId,
                    createdAt,
                    updatedAt);
        }
    }

    /** An audit record about this activation, with its ticket, principal and role. */
    public AuditEntry auditEntry(String actor, String action, String outcome, Map<String, Object> details) {
        return new AuditEntry(
                id, actor, action, outcome, ticketSystem, ticketNumber, principalId, roleDefinitionId, details);
    }
}
