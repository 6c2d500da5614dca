package dev.pimflow.contracts;

/**
 * {@code data} of {@code approval.decision} (DESIGN §9.3), on {@code pim.approvals.decisions}: the assertion is a compact
 * JWS signed like an {@code mfa.response}'s, with claims {@code sub} (the approver's object id), {@code approvalId},
 * {@code decision}, {@code amr}, {@code iat}, {@code exp}, {@code jti} and an optional {@code justification}.
 */
public record ApprovalDecision(String approvalId, String assertion) {}
