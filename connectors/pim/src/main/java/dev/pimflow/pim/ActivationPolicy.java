package dev.pimflow.pim;

import java.time.Duration;

/**
 * A role's activation rules as configured in PIM role settings.
 *
 * @param maximumDuration the longest activation allowed, or null if the policy sets none
 * @param authenticationContext the Conditional Access authentication context ({@code acrs} claim value, e.g.
 *     {@code c1}) an activation needs: the {@code claimValue} of {@code AuthenticationContext_EndUser_Assignment} when
 *     that rule is enabled, else null
 * @param approval the role's {@code Approval_EndUser_Assignment} rule; {@link ApprovalRule#none()} when it asks none
 */
public record ActivationPolicy(
        Duration maximumDuration,
        boolean expirationRequired,
        boolean justificationRequired,
        boolean ticketRequired,
        boolean mfaRequired,
        String authenticationContext,
        ApprovalRule approval) {

    public ActivationPolicy {
        approval = approval == null ? ApprovalRule.none() : approval;
    }

    /** A policy that asks no approval. */
    public ActivationPolicy(
            Duration maximumDuration,
            boolean expirationRequired,
            boolean justificationRequired,
            boolean ticketRequired,
            boolean mfaRequired,
            String authenticationContext) {
        this(
                maximumDuration,
                expirationRequired,
                justificationRequired,
                ticketRequired,
                mfaRequired,
                authenticationContext,
                ApprovalRule.none());
    }

    /** A policy that names no authentication context. */
    public ActivationPolicy(
            Duration maximumDuration,
            boolean expirationRequired,
            boolean justificationRequired,
            boolean ticketRequired,
            boolean mfaRequired) {
        this(maximumDuration, expirationRequired, justificationRequired, ticketRequired, mfaRequired, null);
    }
}
