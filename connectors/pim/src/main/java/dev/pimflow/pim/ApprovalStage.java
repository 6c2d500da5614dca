package dev.pimflow.pim;

import java.time.Duration;
import java.util.List;

/**
 * One stage of a role's approval ({@code unifiedApprovalStage}).
 *
 * @param timeout {@code approvalStageTimeOutInDays} as a duration: the stage is timed out (the request denied) after it
 * @param escalationAfter {@code escalationTimeInMinutes}: when {@code escalationEnabled}, the escalation approvers are
 *     asked too once the primary approvers have not decided in this time
 * @param primaryApprovers empty when the rule names none: PIM then asks the tenant's Privileged Role Administrators and
 *     Global Administrators ({@link PimDirectory#approverUserIds})
 */
public record ApprovalStage(
        Duration timeout,
        boolean approverJustificationRequired,
        boolean escalationEnabled,
        Duration escalationAfter,
        List<Approver> primaryApprovers,
        List<Approver> escalationApprovers) {

    public ApprovalStage {
        primaryApprovers = primaryApprovers == null ? List.of() : List.copyOf(primaryApprovers);
        escalationApprovers = escalationApprovers == null ? List.of() : List.copyOf(escalationApprovers);
    }
}
