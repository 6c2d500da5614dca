package dev.pimflow.workflow.directory;

import dev.pimflow.pim.PimDirectory;
import dev.pimflow.workflow.config.PimProperties;
import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@link People} through Graph ({@link PimDirectory#userObjectId}). A name is trimmed and remembered ignoring case for
 * {@code pim.tickets.people-cache-ttl}, found or not: a ticket system names the same few people again and again, and an
 * unknown one is bad input however often it comes. A failure to ask is not remembered: the next call asks again.
 */
@Component
public class GraphPeople implements People {
    static final int MAX_REMEMBERED_PEOPLE = 100_000;

    private final PimDirectory pim;
    private final ExpiringCache<Optional<String>> known;

    public GraphPeople(PimDirectory pim, Clock clock, PimProperties properties) {
        this.pim = pim;
        this.known = new ExpiringCache<>(clock, properties.tickets().peopleCacheTtl(), MAX_REMEMBERED_PEOPLE);
    }

    @Override
    public Optional<String> objectId(String person) {
        if (person == null || person.isBlank()) {
            return Optional.empty();
        }
        return known.get(person.trim(), pim::userObjectId);
    }
}
