package dev.pimflow.pim;

/** A directory role; {@code id} is the role template id for built-in roles. */
public record RoleDefinition(String id, String displayName) {}
