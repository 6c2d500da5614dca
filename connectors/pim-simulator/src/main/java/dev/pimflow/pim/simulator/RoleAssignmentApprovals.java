package dev.pimflow.pim.simulator;

import static dev.pimflow.pim.simulator.TenantState.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.simulator.RoleSchedules.ScheduleRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The approvals of activations that wait for them ({@code PendingApproval}), as Graph beta's
 * {@code roleManagement/directory/roleAssignmentApprovals} shapes them: an approval per request, one step per stage of
 * the role's {@code Approval_EndUser_Assignment} rule as it stood when the request came. The caller holds the tenant's
 * lock; {@link TenantState} applies a decision's effect on the request.
 *
 * <p>What Graph's documentation says (beta {@code approval-list-steps.md}, {@code approvalstep-update.md},
 * {@code resources/approvalstep.md}): the approval of a PIM request is identified by the request's id; a step has
 * {@code id}, {@code displayName}, {@code reviewedBy} (a collection of userIdentity), {@code reviewedDateTime},
 * {@code reviewResult}, {@code status}, {@code assignedToMe} and {@code justification}; a decision is a {@code PATCH} of
 * the step with {@code reviewResult} ({@code Approve} or {@code Deny}) and {@code justification}, answered {@code 204};
 * 403 for a caller who may not decide, 404 for an unknown approval, 409 when another approver of the stage has already
 * decided. Real Graph serves these under {@code /beta} only; the simulator, which serves {@code /v1.0} only, answers
 * them there.
 */
final class RoleAssignmentApprovals {

    static final class Step {
        final String id;
        final ObjectNode stage; // the rule's approvalStages[i] when the request came
        String status; // NotStarted | InProgress | Completed
        String reviewResult = "NotReviewed";
        String reviewedById;
        String reviewedByName;
        Instant reviewedDateTime;
        String justification;
        Instant startedAt;

        Step(String id, ObjectNode stage) {
            this.id = id;
            this.stage = stage;
        }
    }

    static final class Approval {
        final String id;
        final ScheduleRequest request;
        final List<Step> steps = new ArrayList<>();

        Approval(String id, ScheduleRequest request) {
            this.id = id;
            this.request = request;
        }

        Step current() {
            return steps.stream()
                    .filter(s -> "InProgress".equals(s.status))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final Map<String, Approval> byId = new HashMap<>();

    /**
     * Opens the approval of a request that waits for one. {@code SingleStage} asks the first stage only, {@code Serial}
     * each in turn; guess: {@code Parallel} is asked like {@code Serial} (the documentation does not say how its stages'
     * decisions combine).
     */
    Approval open(ScheduleRequest request, JsonNode approvalSetting, Instant now) {
        Approval a = new Approval(request.approvalId, request);
        JsonNode stages = Json.field(approvalSetting, "approvalStages");
        boolean single = "SingleStage".equalsIgnoreCase(Json.text(approvalSetting, "approvalMode"));
        if (stages != null && stages.isArray()) {
            for (JsonNode stage : stages) {
                // guess: step ids are GUIDs of their own (the documentation's examples show GUIDs)
                Step s = new Step(java.util.UUID.randomUUID().toString(), ((ObjectNode) stage).deepCopy());
                s.status = a.steps.isEmpty() ? "InProgress" : "NotStarted";
                s.startedAt = a.steps.isEmpty() ? now : null;
                a.steps.add(s);
                if (single) {
                    break;
                }
            }
        }
        byId.put(key(a.id), a);
        return a;
    }

    Approval require(String id) {
        Approval a = byId.get(key(id));
        if (a == null) {
            throw GraphError.notFound(id);
        }
        return a;
    }

    static Step requireStep(Approval a, String stepId) {
        return a.steps.stream()
                .filter(s -> s.id.equalsIgnoreCase(stepId))
                .findFirst()
                .orElseThrow(() -> GraphError.notFound(stepId));
    }

    /**
     * Who may decide the step now: its primary approvers, and once escalation is enabled and its time has passed since
     * the step started, its escalation approvers too (guess: the documentation describes escalation only in the
     * portal's words). {@code subjects} resolves a stage's subject sets to user ids.
     */
    static List<JsonNode> deciders(Step step, Instant now) {
        List<JsonNode> sets = new ArrayList<>();
        JsonNode primary = Json.field(step.stage, "primaryApprovers");
        if (primary != null && primary.isArray()) {
            primary.forEach(sets::add);
        }
        boolean escalation = Json.bool(step.stage, "isEscalationEnabled", false);
        JsonNode minutes = Json.field(step.stage, "escalationTimeInMinutes");
        if (escalation
                && step.startedAt != null
                && !now.isBefore(step.startedAt.plus(
                        Duration.ofMinutes(minutes == null || !minutes.canConvertToLong() ? 0 : minutes.asLong())))) {
            JsonNode escalate = Json.field(step.stage, "escalationApprovers");
            if (escalate != null && escalate.isArray()) {
                escalate.forEach(sets::add);
            }
        }
        return sets;
    }

    static boolean approverJustificationRequired(Step step) {
        return Json.bool(step.stage, "isApproverJustificationRequired", false);
    }

    /** The approval as {@code GET roleAssignmentApprovals/{id}} answers it, {@code assignedToMe} for this caller. */
    static ObjectNode toJson(Approval a, java.util.function.Predicate<Step> assignedToMe) {
        ObjectNode out = Json.obj();
        out.put("id", a.id);
        ArrayNode steps = out.putArray("steps");
        a.steps.forEach(s -> steps.add(stepJson(s, assignedToMe.test(s))));
        return out;
    }

    static ObjectNode stepJson(Step s, boolean assignedToMe) {
        ObjectNode j = Json.obj();
        j.put("id", s.id);
        // guess: PIM's stages carry no label, so displayName is null (the documentation's example shows null)
        j.putNull("displayName");
        ArrayNode by = j.putArray("reviewedBy");
        if (s.reviewedById != null) {
            // guess: a userIdentity with id and displayName of the approver
            ObjectNode who = by.addObject();
            who.put("id", s.reviewedById);
            who.put("displayName", s.reviewedByName);
        }
        j.put("reviewedDateTime", Json.time(s.reviewedDateTime));
        j.put("reviewResult", s.reviewResult);
        j.put("status", s.status);
        j.put("assignedToMe", assignedToMe);
        j.put("justification", s.justification);
        return j;
    }
}
