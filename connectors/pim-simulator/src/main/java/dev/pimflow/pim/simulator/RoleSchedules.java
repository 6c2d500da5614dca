package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/** Eligibility/assignment schedules and schedule requests, and their Graph JSON shapes. */
final class RoleSchedules {

    private RoleSchedules() {}

    enum Kind {
        ELIGIBILITY("roleEligibility"),
        ASSIGNMENT("roleAssignment");

        final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    /** unifiedRoleScheduleRequestActions; input case-insensitive, output camelCase. */
    enum Action {
        ADMIN_ASSIGN("adminAssign", false),
        ADMIN_UPDATE("adminUpdate", false),
        ADMIN_REMOVE("adminRemove", false),
        ADMIN_EXTEND("adminExtend", false),
        ADMIN_RENEW("adminRenew", false),
        SELF_ACTIVATE("selfActivate", true),
        SELF_DEACTIVATE("selfDeactivate", true),
        SELF_EXTEND("selfExtend", true),
        SELF_RENEW("selfRenew", true),
        UNKNOWN_FUTURE_VALUE("unknownFutureValue", false);

        final String wire;
        final boolean self;

        Action(String wire, boolean self) {
            this.wire = wire;
            this.self = self;
        }

        static Action parse(String text) {
            for (Action a : values()) {
                if (a.wire.equalsIgnoreCase(text)) {
                    return a;
                }
            }
            return null;
        }

        boolean removes() {
            return this == ADMIN_REMOVE || this == SELF_DEACTIVATE;
        }
    }

    /** A (current or future) eligibility or active assignment. */
    static final class Schedule {
        final Kind kind;
        final String id;
        final String principalId;
        final String roleDefinitionId;
        final String directoryScopeId;
        final String appScopeId;
        final String createdUsing;
        final Instant createdDateTime;
        final String assignmentType; // Assigned | Activated (assignments only)
        final String memberType; // Direct | Group
        final String activatedUsing; // eligibility schedule id of an activation
        final boolean madeOutsidePim;
        Instant start;
        Instant end;
        String expirationType;
        String duration;
        Instant modifiedDateTime;

        Schedule(
                Kind kind,
                String id,
                String principalId,
                String roleDefinitionId,
                String directoryScopeId,
                String appScopeId,
                String createdUsing,
                Instant createdDateTime,
                String assignmentType,
                String memberType,
                String activatedUsing,
                boolean madeOutsidePim,
                Instant start,
                Instant end,
                String expirationType,
                String duration) {
            this.kind = kind;
            this.id = id;
            this.principalId = principalId;
            this.roleDefinitionId = roleDefinitionId;
            this.directoryScopeId = directoryScopeId;
            this.appScopeId = appScopeId;
            this.createdUsing = createdUsing;
            this.createdDateTime = createdDateTime;
            this.assignmentType = assignmentType;
            this.memberType = memberType;
            this.activatedUsing = activatedUsing;
            this.madeOutsidePim = madeOutsidePim;
            this.start = start;
            this.end = end;
            this.expirationType = expirationType;
            this.duration = duration;
        }

        boolean current(Instant now) {
            return !start.isAfter(now) && (end == null || end.isAfter(now));
        }

        boolean covers(String principal, String role, String scope) {
            return principalId.equalsIgnoreCase(principal)
                    && roleDefinitionId.equalsIgnoreCase(role)
                    && scopesEqual(directoryScopeId, scope);
        }

        /** Instance ids look like base64url(role GUID bytes + principal GUID bytes) + "-1" (eligibility: "-1-e"). */
        String instanceId() {
            byte[] role = DirectoryObjects.guidBytes(roleDefinitionId);
            byte[] principal = DirectoryObjects.guidBytes(principalId);
            byte[] both = new byte[role.length + principal.length];
            System.arraycopy(role, 0, both, 0, role.length);
            System.arraycopy(principal, 0, both, role.length, principal.length);
            String base = Base64.getUrlEncoder().withoutPadding().encodeToString(both);
            String scope = directoryScopeId == null || directoryScopeId.equals("/")
                    ? "1"
                    : Integer.toHexString(
                            directoryScopeId.toLowerCase(Locale.ROOT).hashCode());
            return base + "-" + scope + (kind == Kind.ELIGIBILITY ? "-e" : "");
        }

        ObjectNode scheduleInfo() {
            ObjectNode si = Json.obj();
            si.put("startDateTime", Json.time(start));
            si.putNull("recurrence");
            ObjectNode exp = si.putObject("expiration");
            exp.put("type", expirationType);
            exp.put("endDateTime", "afterDuration".equals(expirationType) ? null : Json.time(end));
            exp.put("duration", duration);
            return si;
        }

        ObjectNode scheduleJson() {
            ObjectNode s = Json.obj();
            s.put("id", id);
            s.put("principalId", principalId);
            s.put("roleDefinitionId", roleDefinitionId);
            s.put("directoryScopeId", directoryScopeId);
            s.put("appScopeId", appScopeId);
            s.put("createdUsing", createdUsing);
            s.put("createdDateTime", Json.time(createdDateTime));
            s.put("modifiedDateTime", Json.time(modifiedDateTime));
            s.put("status", "Provisioned");
            if (kind == Kind.ASSIGNMENT) {
                s.put("assignmentType", assignmentType);
            }
            s.put("memberType", memberType);
            s.set("scheduleInfo", scheduleInfo());
            return s;
        }

        ObjectNode instanceJson() {
            ObjectNode i = Json.obj();
            i.put("id", instanceId());
            i.put("principalId", principalId);
            i.put("roleDefinitionId", roleDefinitionId);
            i.put("directoryScopeId", directoryScopeId);
            i.put("appScopeId", appScopeId);
            // Assignments made outside PIM carry no PIM times.
            i.put("startDateTime", madeOutsidePim ? null : Json.time(start));
            i.put("endDateTime", Json.time(end));
            if (kind == Kind.ASSIGNMENT) {
                i.put("assignmentType", assignmentType);
                i.put("memberType", memberType);
                i.put("roleAssignmentOriginId", instanceId());
                i.put("roleAssignmentScheduleId", id);
            } else {
                i.put("memberType", memberType);
                i.put("roleEligibilityScheduleId", id);
            }
            return i;
        }

        ObjectNode roleAssignmentJson() {
            ObjectNode a = Json.obj();
            a.put("id", instanceId());
            a.put("principalId", principalId);
            a.put("resourceScope", directoryScopeId);
            a.put("directoryScopeId", directoryScopeId);
            a.put("roleDefinitionId", roleDefinitionId);
            return a;
        }
    }

    /** An accepted schedule request (the request log is append-only apart from status changes). */
    static final class ScheduleRequest {
        final Kind kind;
        final String id;
        final Action action;
        final Instant createdDateTime;
        final String principalId;
        final String roleDefinitionId;
        final String directoryScopeId;
        final String appScopeId;
        final boolean isValidationOnly;
        final String justification;
        final String customData;
        final ObjectNode createdBy;
        final ObjectNode scheduleInfo; // null for removals
        final String ticketNumber;
        final String ticketSystem;
        String status;
        Instant completedDateTime;
        String approvalId;
        String targetScheduleId;

        ScheduleRequest(
                Kind kind,
                String id,
                Action action,
                Instant createdDateTime,
                String principalId,
                String roleDefinitionId,
                String directoryScopeId,
                String appScopeId,
                boolean isValidationOnly,
                String justification,
                String customData,
                ObjectNode createdBy,
                ObjectNode scheduleInfo,
                String ticketNumber,
                String ticketSystem) {
            this.kind = kind;
            this.id = id;
            this.action = action;
            this.createdDateTime = createdDateTime;
            this.principalId = principalId;
            this.roleDefinitionId = roleDefinitionId;
            this.directoryScopeId = directoryScopeId;
            this.appScopeId = appScopeId;
            this.isValidationOnly = isValidationOnly;
            this.justification = justification;
            this.customData = customData;
            this.createdBy = createdBy;
            this.scheduleInfo = scheduleInfo;
            this.ticketNumber = ticketNumber;
            this.ticketSystem = ticketSystem;
        }

        ObjectNode toJson() {
            ObjectNode r = Json.obj();
            r.put("id", id);
            r.put("status", status);
            r.put("createdDateTime", Json.time(createdDateTime));
            r.put("completedDateTime", Json.time(completedDateTime));
            r.put("approvalId", approvalId);
            r.put("customData", customData);
            r.put("action", action.wire);
            r.put("principalId", principalId);
            r.put("roleDefinitionId", roleDefinitionId);
            r.put("directoryScopeId", directoryScopeId);
            r.put("appScopeId", appScopeId);
            r.put("isValidationOnly", isValidationOnly);
            r.put("targetScheduleId", targetScheduleId);
            r.put("justification", justification);
            r.set("createdBy", createdBy.deepCopy());
            if (scheduleInfo == null) {
                r.putNull("scheduleInfo");
            } else {
                r.set("scheduleInfo", scheduleInfo.deepCopy());
            }
            ObjectNode t = r.putObject("ticketInfo");
            t.put("ticketNumber", ticketNumber);
            t.put("ticketSystem", ticketSystem);
            return r;
        }
    }

    static boolean scopesEqual(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }
}
