package dev.pimflow.workflow.directory;

import java.util.Optional;

/**
 * People across systems (DESIGN §9.2): ticket systems name people by their own ids or e-mail addresses; pimflow needs
 * their Entra object ids. Answers are cached; an unknown person is empty (bad input for the caller), a directory that
 * cannot be asked is a {@code dev.pimflow.pim.PimException} of kind RETRY or INCIDENT.
 */
public interface People {
    /**
     * The Entra object id of the person named by an object id, a user principal name or an e-mail address
     * ({@code mail}); empty when the directory knows no such user.
     */
    Optional<String> objectId(String person);
}
