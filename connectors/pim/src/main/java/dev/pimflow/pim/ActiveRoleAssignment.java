package dev.pimflow.pim;

/** One entry of {@code roleManagement/directory/roleAssignments}. */
public record ActiveRoleAssignment(String id, String principalId, String roleDefinitionId, String directoryScopeId) {}
