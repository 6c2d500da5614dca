package dev.pimflow.workflow.store;

import dev.pimflow.workflow.config.PimProperties;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the deduplication log ({@code inbound_event}) from growing with traffic: ids older than
 * {@code pim.inbound.retention} are deleted every {@code pim.inbound.prune-interval}. The retention must be longer than
 * the inbound topics' own retention, so that no event Kafka can still deliver (a redelivery, a consumer-group rewind)
 * has lost its id; the default, 30 days, is four times Kafka's default of 7.
 */
@Component
public class InboundEventPruner {
    private static final Logger log = LoggerFactory.getLogger(InboundEventPruner.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration retention;

    public InboundEventPruner(JdbcTemplate jdbc, Clock clock, PimProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = properties.inbound().retention();
    }

    /** @return how many ids were deleted */
    @Scheduled(initialDelayString = "${pim.inbound.prune-interval}", fixedDelayString = "${pim.inbound.prune-interval}")
    public int prune() {
        int deleted = jdbc.update(
                "DELETE FROM inbound_event WHERE received_at < ?",
                ActivationStore.ts(clock.instant().minus(retention)));
        if (deleted > 0) {
            log.info("Pruned {} inbound event id(s) older than {} from the deduplication log", deleted, retention);
        }
        return deleted;
    }
}
