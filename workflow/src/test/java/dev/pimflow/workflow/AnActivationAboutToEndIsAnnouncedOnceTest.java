package dev.pimflow.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code activation.expiring} (DESIGN §9.3): an active activation that ends within {@code
 * pim.activations.expiry-warning} (15 minutes by default) is announced on {@code pim.activations} once, with its end;
 * one that ends later is not.
 */
class AnActivationAboutToEndIsAnnouncedOnceTest extends EndToEndTestBase {

    @Test
    void anActivationEndingWithinTheWarningIsAnnouncedOnceAndALaterOneIsNot() throws Exception {
        // PIM holds one assignment per principal, role and scope: one activation after the other
        String longer = requestAndApprove("CONTOSO:Expiring-2", "PT1H");
        awaitStatus(longer, Status.ACTIVE);
        Thread.sleep(Duration.ofSeconds(8).toMillis()); // more than one check (every 5 s)
        assertThat(expiring(longer)).isEmpty();
        tickets.closeTicket("CONTOSO:Expiring-2");
        awaitRevoked(longer);

        String soon = requestAndApprove("CONTOSO:Expiring-1", "PT10M");
        JsonNode active = awaitStatus(soon, Status.ACTIVE);
        JsonNode warning = topics.awaitEvent(
                "pim.activations",
                WAIT,
                e -> EventTypes.ACTIVATION_EXPIRING.equals(e.path("type").asText())
                        && soon.equals(e.path("data").path("activationId").asText()));
        // the database rounds to microseconds
        assertThat(Instant.parse(warning.path("data").path("endDateTime").asText()))
                .isCloseTo(
                        Instant.parse(active.path("data").path("endDateTime").asText()), within(1, ChronoUnit.MILLIS));
        assertThat(warning.path("data").path("ticketNumber").asText()).isEqualTo("CONTOSO:Expiring-1");
        // several checks later: still one
        Thread.sleep(Duration.ofSeconds(12).toMillis());
        assertThat(expiring(soon)).hasSize(1);

        tickets.closeTicket("CONTOSO:Expiring-1");
        awaitRevoked(soon);
    }

    private java.util.List<JsonNode> expiring(String activationId) {
        return topics.events(
                "pim.activations",
                e -> EventTypes.ACTIVATION_EXPIRING.equals(e.path("type").asText())
                        && activationId.equals(
                                e.path("data").path("activationId").asText()));
    }
}
