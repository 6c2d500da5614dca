package dev.pimflow.pim;

import java.util.List;
import java.util.Optional;

/**
 * The orchestrator's view of Microsoft Entra PIM for directory roles.
 *
 * <p>Every failure is a {@link PimException} whose {@link PimException.Kind} tells the caller what to do:
 * deny the request, retry later, or raise an incident for a human.
 */
public interface PimDirectory {

    /** Unknown role: {@code PimException(DENY, "RoleNotFound")}. */
    RoleDefinition roleDefinition(String roleDefinitionId);

    /**
     * Returns when the directory knows the principal; an unknown principal is {@code PimException(DENY,
     * "SubjectNotFound")}. Says nothing about eligibility: that is {@link #eligibility}'s, asked again at validation.
     */
    void requirePrincipal(String principalId);

    /**
     * The object id of the user a ticket system names (DESIGN 9.2): an object id (a GUID) is looked up as an id; a name
     * with {@code @} as a user principal name, and when no user has it, as an e-mail address ({@code mail}), which must
     * then belong to exactly one user (two is ambiguous: empty). Anything else is empty without asking. Empty when the
     * directory knows no such user; a directory that cannot be asked is a {@code PimException} (RETRY or INCIDENT).
     */
    Optional<String> userObjectId(String person);

    /**
     * Whether the principal may activate the role at the scope, directly or through any group it is a
     * transitive member of. Unknown principal: {@code PimException(DENY, "SubjectNotFound")}.
     */
    Eligibility eligibility(String principalId, String roleDefinitionId, String directoryScopeId);

    /**
     * The role's activation rules ({@code Expiration_EndUser_Assignment}, {@code Enablement_EndUser_Assignment}), the
     * authentication context it needs ({@code AuthenticationContext_EndUser_Assignment}) and the approval it asks
     * ({@code Approval_EndUser_Assignment}, {@link ActivationPolicy#approval}). An approval pimflow cannot ask (required
     * without a stage, an approver other than a user or a group's members) is {@code PimException(INCIDENT)}.
     */
    ActivationPolicy activationPolicy(String roleDefinitionId);

    /** A time-bound active assignment ({@code adminAssign}); idempotent per {@code activationId}. */
    Assignment assign(AssignmentRequest request);

    /**
     * The principal's own activation ({@code selfActivate}), sent as the signed-in person with their delegated access
     * token, so that PIM's audit shows their self-activation with the ticket; idempotent per {@code activationId} like
     * {@link #assign}. The token is used for this call only, never kept or logged, and not refreshed: Graph refusing it
     * (401) is {@code DENY}, and the person signs in again. Policy failures ({@code MfaRule}, the authentication
     * context, {@code ExpirationRule}...) and a token of someone other than the principal are {@code DENY} with PIM's
     * code.
     *
     * <p>A role whose policy requires approval ({@code Approval_EndUser_Assignment}) is not refused: PIM holds the
     * request for its approvers and answers {@code PendingApproval}, and so does this method, with an {@link Assignment}
     * whose {@code status} is {@code PendingApproval}, whose {@code requestId} is PIM's request (follow it with {@link
     * #activationRequest}, withdraw it with {@link #cancelRequest}) and whose start and end are null: nothing is active
     * until PIM's approvers decide. A retry of the same activation while PIM still holds it adopts that request ({@code
     * adopted=true}) rather than failing on PIM's {@code PendingRoleAssignmentRequest}.
     */
    Assignment selfActivate(AssignmentRequest request, String delegatedAccessToken);

    /**
     * PIM's request as it stands now ({@code GET roleAssignmentScheduleRequests/{id}}, as the app): {@code status} as
     * PIM says it, e.g. {@code PendingApproval} (still waiting for the approvers), {@code Provisioned} or {@code
     * Granted} (approved; Granted and Provisioned are both success (spec §2.3): {@code Granted} is one that starts
     * later), {@code Denied}, {@code Canceled}, {@code Revoked}, {@code Failed} (PIM could not make the assignment after
     * all, e.g. the eligibility went). For a request that succeeded the start and end of the assignment it made; for
     * any other status both are null. {@code adopted} is false. A request PIM does not know (never made, or deleted:
     * PIM keeps them for 30 days) is {@code PimException(DENY, "RequestNotFound")}; everything else fails as every
     * call does (RETRY, INCIDENT).
     *
     * <p>The default implementation throws {@link UnsupportedOperationException}: an implementation that wraps another
     * must pass it on.
     */
    default Assignment activationRequest(String requestId) {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement activationRequest");
    }

    /**
     * Withdraws a request that has not taken effect ({@code POST roleAssignmentScheduleRequests/{id}/cancel}, as the
     * app): true when PIM cancelled it (its status becomes {@code Canceled}); false when there was nothing to cancel,
     * because PIM has decided it already (approved, denied, cancelled: PIM answers 400) or does not know it (404). A
     * false is no error: ask {@link #activationRequest} what became of it (an approved one may have to be removed).
     *
     * <p>The reference documents cancel for {@code Granted} requests (spec §2.5); that it also cancels one that waits
     * for approval ({@code PendingApproval}) is what the simulator does, a guess about PIM (the portal lets a requester
     * cancel a pending request).
     *
     * <p>The default implementation throws {@link UnsupportedOperationException}: an implementation that wraps another
     * must pass it on.
     */
    default boolean cancelRequest(String requestId) {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement cancelRequest");
    }

    /**
     * The users who may decide for a stage: each {@code singleUser}, and the members (transitively) of each
     * {@code groupMembers}; when {@code approvers} is empty, as PIM does, the tenant's Privileged Role Administrators
     * and Global Administrators (active holders, groups expanded). Lower-case object ids.
     */
    java.util.Set<String> approverUserIds(List<Approver> approvers);

    /**
     * A later end for an active assignment pimflow made ({@code adminExtend}); idempotent per activation and round.
     * Over the policy's maximum counted from the original start, or nothing to extend: {@code DENY} with PIM's code.
     */
    Assignment extend(ExtensionRequest request);

    /** Removes the active assignment ({@code adminRemove}); nothing to remove is a success with {@code removed=false}. */
    Removal remove(RemovalRequest request);

    /** The principal's active role assignments (direct and activated). */
    List<ActiveRoleAssignment> roleAssignments(String principalId);
}
