package dev.pimflow.pim;

import java.time.Instant;

/**
 * A created (or adopted) active assignment.
 *
 * @param requestId the Graph schedule request id
 * @param status Graph's request status, e.g. {@code Provisioned} or {@code Granted}
 * @param adopted true when an earlier request of the same activation was found instead of creating one
 */
public record Assignment(
        String requestId, String status, Instant startDateTime, Instant endDateTime, boolean adopted) {}
