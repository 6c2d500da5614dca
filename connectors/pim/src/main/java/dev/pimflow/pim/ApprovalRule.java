package dev.pimflow.pim;

import java.util.List;

/**
 * A role's {@code Approval_EndUser_Assignment} rule ({@code approvalSettings}).
 *
 * @param mode {@code SingleStage}, {@code Serial}, {@code Parallel} or {@code NoApproval} as PIM names it
 * @param stages in order; one for {@code SingleStage}
 */
public record ApprovalRule(boolean required, boolean requiredForExtension, String mode, List<ApprovalStage> stages) {

    public ApprovalRule {
        stages = stages == null ? List.of() : List.copyOf(stages);
    }

    /** A role whose activation needs no approval. */
    public static ApprovalRule none() {
        return new ApprovalRule(false, false, "NoApproval", List.of());
    }
}
