package dev.pimflow.workflow.webhooks;

import dev.pimflow.pim.PimException;
import dev.pimflow.workflow.directory.People;
import java.util.Map;

/**
 * Turns a ticket system's name for a person into an Entra object id: first through the vendor's configured map (its
 * own user ids → user principal name, e-mail or object id), then through the directory ({@link People}). An unknown
 * person is a 422 naming the field; a directory that cannot be asked is a 503, so the vendor retries.
 */
final class PersonResolver {
    private final People people;
    private final Map<String, String> mapped;

    PersonResolver(People people, Map<String, String> mapped) {
        this.people = people;
        this.mapped = mapped;
    }

    /**
     * @param vendorId the vendor's own id of the person (looked up in the map), may be null
     * @param name a user principal name, e-mail or object id the payload gives directly, may be null
     */
    String objectId(String field, String vendorId, String name, String ticket) {
        String person = vendorId == null ? null : mapped.get(vendorId);
        if (person == null) {
            person = name;
        }
        if (person == null || person.isBlank()) {
            throw WebhookRefusal.unmappable(
                    field,
                    "unknown person: not in the configured people map, and the payload gives no e-mail or user name",
                    ticket);
        }
        try {
            return people.objectId(person.strip())
                    .orElseThrow(
                            () -> WebhookRefusal.unmappable(field, "unknown person: not in the directory", ticket));
        } catch (PimException e) {
            throw new WebhookRefusal(503, "the directory cannot be asked now (" + e.kind() + "): retry later", ticket);
        }
    }
}
