package dev.pimflow.contracts;

import java.time.Instant;
import java.util.List;

/**
 * {@code data} of {@code approval.requested} (DESIGN §9.3), on {@code pim.approvals} keyed by activation id: a stage of
 * the role's approval waits for one of {@code approvers} (Entra object ids), until {@code dueAt}.
 *
 * @param purpose {@code activation} (an extension's approval is {@code extension})
 * @param stage 1-based
 * @param escalated true when the stage's escalation approvers were added
 * @param approveUrl the approval page ({@code <pim.public-url>/approve/<approvalId>}) where an approver decides after
 *     signing in with the identity provider, where one is configured
 */
public record ApprovalRequested(
        String approvalId,
        String activationId,
        String purpose,
        int stage,
        int stages,
        String ticketSystem,
        String ticketNumber,
        String principalId,
        String roleDefinitionId,
        String roleDisplayName,
        String directoryScopeId,
        String duration,
        String justification,
        List<String> approvers,
        boolean escalated,
        boolean approverJustificationRequired,
        Instant requestedAt,
        Instant dueAt,
        String approveUrl) {}
