package dev.pimflow.mfa;

/**
 * A verified approver's decision ({@code approval.decision}'s assertion).
 *
 * @param approver the approver's Entra object id, the assertion's {@code sub}, lower case
 * @param assertionId the assertion's {@code jti}, always present: single use is enforced on it by the caller
 * @param justification the approver's reason, or null when the assertion gives none
 */
public record ApprovalAssertion(String approver, boolean approved, String assertionId, String justification) {}
