package dev.pimflow.pim.simulator;

/**
 * The application and delegated permissions each route accepts (any one of them), as Graph documents them for the
 * PIM subset.
 */
final class GraphPermissions {

    private GraphPermissions() {}

    static final String[] ROLE_READ = {
        "RoleManagement.Read.Directory",
        "RoleManagement.Read.All",
        "RoleManagement.ReadWrite.Directory",
        "Directory.Read.All",
        "Directory.ReadWrite.All"
    };
    static final String[] ASSIGNMENT_READ = {
        "RoleAssignmentSchedule.Read.Directory",
        "RoleAssignmentSchedule.ReadWrite.Directory",
        "RoleManagement.Read.Directory",
        "RoleManagement.Read.All",
        "RoleManagement.ReadWrite.Directory"
    };
    static final String[] ELIGIBILITY_READ = {
        "RoleEligibilitySchedule.Read.Directory",
        "RoleEligibilitySchedule.ReadWrite.Directory",
        "RoleManagement.Read.Directory",
        "RoleManagement.Read.All",
        "RoleManagement.ReadWrite.Directory"
    };
    static final String[] ASSIGNMENT_WRITE = {
        "RoleAssignmentSchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"
    };
    static final String[] ELIGIBILITY_WRITE = {
        "RoleEligibilitySchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"
    };
    static final String[] POLICY_READ = {
        "RoleManagementPolicy.Read.Directory",
        "RoleManagementPolicy.ReadWrite.Directory",
        "RoleManagement.Read.Directory",
        "RoleManagement.Read.All",
        "RoleManagement.ReadWrite.Directory"
    };
    static final String[] POLICY_WRITE = {
        "RoleManagementPolicy.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"
    };
    static final String[] DIRECTORY_READ = {
        "User.Read.All",
        "User.ReadWrite.All",
        "GroupMember.Read.All",
        "Group.Read.All",
        "Group.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All"
    };
    /**
     * A user read by id, user principal name or {@code $filter} on {@code mail}/{@code userPrincipalName}: the
     * directory reads, and {@code User.ReadBasic.All}, whose basic profile holds {@code id}, {@code mail} and
     * {@code userPrincipalName} (the least a lookup of people needs, DESIGN 9.2).
     */
    static final String[] USER_READ = {
        "User.ReadBasic.All",
        "User.Read.All",
        "User.ReadWrite.All",
        "GroupMember.Read.All",
        "Group.Read.All",
        "Group.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All"
    };

    static final String[] GROUP_WRITE = {"Group.ReadWrite.All", "Directory.ReadWrite.All"};

    static final String[] GROUP_WRITE_OR_CREATE = {"Group.ReadWrite.All", "Group.Create", "Directory.ReadWrite.All"};
    /** Membership of role-assignable groups needs RoleManagement.ReadWrite.Directory ("Group.ReadWrite.All won't work"). */
    static final String[] GROUP_WRITE_AND_ROLES = {"RoleManagement.ReadWrite.Directory"};
}
