package dev.pimflow.pim;

import java.time.Instant;

/**
 * A created (or adopted) active assignment, or PIM's request for one: one that waits for approval ({@code
 * PendingApproval}, from {@link PimDirectory#selfActivate}), or one as {@link PimDirectory#activationRequest} reads it.
 *
 * @param requestId the Graph schedule request id
 * @param status Graph's request status, e.g. {@code Provisioned} or {@code Granted} (both success), {@code
 *     PendingApproval}, {@code Denied}, {@code Canceled}
 * @param startDateTime when the assignment starts; null while nothing is assigned (a request waiting, denied...)
 * @param endDateTime when it ends; null while nothing is assigned, or for an assignment without end
 * @param adopted true when an earlier request of the same activation was found instead of creating one
 */
public record Assignment(String requestId, String status, Instant startDateTime, Instant endDateTime, boolean adopted) {
    /** PIM's status of a request its approvers have not decided yet. */
    public static final String PENDING_APPROVAL = "PendingApproval";

    /** Whether this is a request that waits for PIM's approvers: nothing is assigned yet. */
    public boolean pendingApproval() {
        return PENDING_APPROVAL.equalsIgnoreCase(status);
    }
}
