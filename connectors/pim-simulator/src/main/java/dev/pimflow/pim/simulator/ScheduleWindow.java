package dev.pimflow.pim.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.pim.simulator.RoleSchedules.Action;
import java.time.Duration;
import java.time.Instant;

/**
 * When a requested schedule starts and ends, read from the request's {@code scheduleInfo} (step 3 of a
 * {@link ScheduleRequestSubmission}).
 *
 * @param end null for no expiration
 * @param durationText the requested duration, for {@code afterDuration} only
 */
record ScheduleWindow(Instant start, Instant end, String expirationType, String durationText) {

    /** Removals have no schedule: they take effect now and are recorded without one. */
    static ScheduleWindow read(Action action, JsonNode scheduleInfo, Instant now) {
        if (action.removes()) {
            return new ScheduleWindow(now, null, "noExpiration", null);
        }
        Instant start = now;
        Instant requestedStart = EdmLiterals.time(Json.text(scheduleInfo, "startDateTime"));
        if (requestedStart != null && requestedStart.isAfter(now)) {
            start = requestedStart;
        }
        JsonNode expiration = Json.field(scheduleInfo, "expiration");
        String type = Json.text(expiration, "type");
        if (type == null || type.equalsIgnoreCase("noExpiration") || type.equalsIgnoreCase("notSpecified")) {
            return new ScheduleWindow(start, null, "noExpiration", null);
        } else if (type.equalsIgnoreCase("afterDuration")) {
            String durationText = Json.text(expiration, "duration");
            Duration d = EdmLiterals.duration(durationText);
            if (d == null || d.isNegative() || d.isZero()) {
                throw GraphError.invalidRequest(
                        "The role assignment request is invalid: afterDuration needs a positive 'duration'.");
            }
            return new ScheduleWindow(start, start.plus(d), "afterDuration", durationText);
        } else if (type.equalsIgnoreCase("afterDateTime")) {
            Instant end = EdmLiterals.time(Json.text(expiration, "endDateTime"));
            if (end == null) {
                throw GraphError.invalidRequest(
                        "The role assignment request is invalid: afterDateTime needs 'endDateTime'.");
            }
            if (!end.isAfter(start)) {
                throw GraphError.invalidRequest(
                        "The role assignment request is invalid: the end time must be after the start time.");
            }
            return new ScheduleWindow(start, end, "afterDateTime", null);
        }
        throw GraphError.badRequest("BadRequest", "Requested value '" + type + "' was not found.");
    }

    ScheduleWindow withStart(Instant newStart) {
        return new ScheduleWindow(newStart, end, expirationType, durationText);
    }

    ScheduleWindow withEnd(Instant newEnd) {
        return new ScheduleWindow(start, newEnd, expirationType, durationText);
    }

    /** The request's {@code scheduleInfo} as Graph answers it. */
    ObjectNode scheduleInfoJson() {
        ObjectNode info = Json.obj();
        info.put("startDateTime", Json.time(start));
        info.putNull("recurrence");
        ObjectNode exp = info.putObject("expiration");
        exp.put("type", expirationType);
        exp.put("endDateTime", expirationType.equals("afterDateTime") ? Json.time(end) : null);
        exp.put("duration", durationText);
        return info;
    }
}
