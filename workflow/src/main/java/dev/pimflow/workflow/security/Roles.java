package dev.pimflow.workflow.security;

import dev.pimflow.workflow.process.ActivationProcess;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.authorization.UserOperationLogCategoryPermissions;
import org.camunda.bpm.engine.identity.Group;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * pimflow's three roles (README "Who may do what"), as Camunda groups, so Cockpit, engine REST and the product API
 * share them: membership is managed in Camunda Admin by the admin.
 * <ul>
 * <li>{@link #OPERATORS}: Cockpit, incidents and job retries, reading activations, manual revoke;</li>
 * <li>{@link #AUDITORS}: reading the audit trail and verifying it, Camunda's history and user operation log;</li>
 * <li>{@link #APPROVERS}: Tasklist and the product API's approvals, to decide approval stages (DESIGN §9.3); a decision
 * counts only when the login's directory identity (its e-mail, resolved in Entra) is one of the stage's approvers;</li>
 * <li>{@link #ADMINS} (Camunda's {@code camunda-admin}): users, groups and authorizations, and the development MFA
 * gateway of the embedded default. The admin can put itself in any group, so the product API lets it do what the
 * other two may.</li>
 * </ul>
 * Whatever the group, {@link EngineGuard} refuses to everyone what would move the process without pimflow's own
 * verification. The groups and their authorizations are created at startup when missing (an admin's later changes
 * to them are kept).
 */
@Component
@Order(0)
public class Roles implements ApplicationRunner {
    public static final String OPERATORS = "pimflowOperators";
    public static final String AUDITORS = "pimflowAuditors";
    public static final String APPROVERS = "pimflowApprovers";
    /** The Tasklist filter that shows approvers the approval stages waiting for them. */
    public static final String APPROVALS_FILTER = "pimflow approvals";

    public static final String ADMINS = Groups.CAMUNDA_ADMIN;

    public static final String OPERATOR = "OPERATOR";
    public static final String AUDITOR = "AUDITOR";
    public static final String APPROVER = "APPROVER";
    public static final String ADMIN = "ADMIN";

    private final IdentityService identity;
    private final AuthorizationService authorizations;

    private final ActivationProcess process;

    public Roles(IdentityService identity, AuthorizationService authorizations, ActivationProcess process) {
        this.identity = identity;
        this.authorizations = authorizations;
        this.process = process;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (group(OPERATORS, "pimflow operators")) {
            grant(OPERATORS, Resources.APPLICATION, "cockpit", Permissions.ACCESS);
            grant(
                    OPERATORS,
                    Resources.PROCESS_DEFINITION,
                    "*",
                    ProcessDefinitionPermissions.READ,
                    ProcessDefinitionPermissions.READ_INSTANCE,
                    ProcessDefinitionPermissions.READ_HISTORY,
                    ProcessDefinitionPermissions.RETRY_JOB);
        }
        if (group(AUDITORS, "pimflow auditors")) {
            grant(AUDITORS, Resources.APPLICATION, "cockpit", Permissions.ACCESS);
            grant(
                    AUDITORS,
                    Resources.PROCESS_DEFINITION,
                    "*",
                    ProcessDefinitionPermissions.READ,
                    ProcessDefinitionPermissions.READ_HISTORY);
            grant(AUDITORS, Resources.OPERATION_LOG_CATEGORY, "*", UserOperationLogCategoryPermissions.READ);
        }
        if (group(APPROVERS, "pimflow approvers")) {
            // the tasks themselves: Camunda grants each candidate group its task when the stage's task is created
            grant(APPROVERS, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
        }
        if (authorizations
                        .createAuthorizationQuery()
                        .groupIdIn(APPROVERS)
                        .resourceType(Resources.FILTER)
                        .count()
                == 0) {
            String filter = process.approvalsFilter(
                    APPROVALS_FILTER, APPROVERS, "Approval stages waiting for a decision (pimflow)");
            grant(APPROVERS, Resources.FILTER, filter, Permissions.READ);
        }
    }

    /** The product roles a user holds, from its Camunda groups. */
    public List<String> of(String userId) {
        List<String> roles = new ArrayList<>();
        for (Group g : identity.createGroupQuery().groupMember(userId).list()) {
            switch (g.getId()) {
                case ADMINS -> roles.add(ADMIN);
                case OPERATORS -> roles.add(OPERATOR);
                case AUDITORS -> roles.add(AUDITOR);
                case APPROVERS -> roles.add(APPROVER);
                default -> {}
            }
        }
        return roles;
    }

    /** @return true if the group was created now */
    private boolean group(String id, String name) {
        if (identity.createGroupQuery().groupId(id).count() > 0) {
            return false;
        }
        Group g = identity.newGroup(id);
        g.setName(name);
        g.setType(Groups.GROUP_TYPE_WORKFLOW);
        identity.saveGroup(g);
        return true;
    }

    private void grant(String group, Resource resource, String resourceId, Permission... permissions) {
        Authorization a = authorizations.createNewAuthorization(Authorization.AUTH_TYPE_GRANT);
        a.setGroupId(group);
        a.setResource(resource);
        a.setResourceId(resourceId);
        for (Permission p : permissions) {
            a.addPermission(p);
        }
        authorizations.saveAuthorization(a);
    }
}
