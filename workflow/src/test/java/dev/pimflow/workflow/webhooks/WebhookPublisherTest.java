package dev.pimflow.workflow.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.TicketAssigned;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/** The webhook answers 2xx only once Kafka acknowledged every event, and sends nothing the listener would refuse. */
class WebhookPublisherTest {
    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, byte[]> kafka = mock(KafkaTemplate.class);

    private final WebhookPublisher publisher =
            new WebhookPublisher(kafka, new EventCodec(), "tickets.events", Duration.ofMillis(300));

    private static final TicketEvent ASSIGNED = new TicketEvent(
            "evt-1",
            EventTypes.TICKET_ASSIGNED,
            new TicketAssigned("PagerDuty", "2", List.of(Fixtures.ALINE), Instant.parse("2020-10-02T18:45:22Z")));
    private static final TicketEvent REQUESTED = new TicketEvent(
            "evt-1:activation:" + Fixtures.USER_ADMIN_ROLE,
            EventTypes.TICKET_ACTIVATION_REQUESTED,
            new ActivationRequested(
                    "PagerDuty",
                    "2",
                    Fixtures.ALINE,
                    Fixtures.USER_ADMIN_ROLE,
                    "/",
                    "incident 2",
                    Duration.ofHours(1)));

    @Test
    @SuppressWarnings("unchecked")
    void everyEventGoesOutKeyedByTicketAndSourcedByTheSystem() {
        when(kafka.send(any(ProducerRecord.class)))
                .thenReturn(CompletableFuture.completedFuture(mock(SendResult.class)));
        assertThat(publisher.publish("pagerduty", "PagerDuty", "2", List.of(ASSIGNED, REQUESTED)))
                .containsExactly("evt-1", "evt-1:activation:" + Fixtures.USER_ADMIN_ROLE);
        ArgumentCaptor<ProducerRecord<String, byte[]>> sent = ArgumentCaptor.forClass(ProducerRecord.class);
        verify(kafka, times(2)).send(sent.capture());
        assertThat(sent.getAllValues()).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo("tickets.events");
            assertThat(r.key()).isEqualTo("PagerDuty:2");
            assertThat(new String(r.value())).contains("\"source\":\"urn:pimflow:webhook:pagerduty\"");
        });
    }

    /**
     * The first event is on the topic, the second is not: the vendor is told 503 and retries; the retry carries the
     * same ids and data, so the first is skipped downstream as a redelivery and the second gets through.
     */
    @Test
    @SuppressWarnings("unchecked")
    void oneFailedSendOfTwoIsA503() {
        when(kafka.send(any(ProducerRecord.class)))
                .thenReturn(CompletableFuture.completedFuture(mock(SendResult.class)))
                .thenReturn(CompletableFuture.failedFuture(new TimeoutException("no leader")));
        assertThatThrownBy(() -> publisher.publish("pagerduty", "PagerDuty", "2", List.of(ASSIGNED, REQUESTED)))
                .isInstanceOf(WebhookRefusal.class)
                .satisfies(e -> assertThat(((WebhookRefusal) e).status()).isEqualTo(503));
    }

    @Test
    @SuppressWarnings("unchecked")
    void noAcknowledgementWithinTheTimeoutIsA503() {
        when(kafka.send(any(ProducerRecord.class))).thenReturn(new CompletableFuture<>());
        long start = System.nanoTime();
        assertThatThrownBy(() -> publisher.publish("pagerduty", "PagerDuty", "2", List.of(ASSIGNED)))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessageContaining("Kafka did not acknowledge the events within PT0.3S");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    /** An event the listener would send to the dead-letter topic is refused before anything is sent. */
    @Test
    @SuppressWarnings("unchecked")
    void anEventTheListenerWouldRefuseSendsNothing() {
        TicketEvent notAPrincipal = new TicketEvent(
                "evt-2:activation:x",
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                new ActivationRequested(
                        "PagerDuty",
                        "2",
                        "user123@contoso.example",
                        Fixtures.USER_ADMIN_ROLE,
                        "/",
                        "j",
                        Duration.ofHours(1)));
        assertThatThrownBy(() -> publisher.publish("pagerduty", "PagerDuty", "2", List.of(ASSIGNED, notAPrincipal)))
                .isInstanceOf(WebhookRefusal.class)
                .hasMessage("ticket.activation-requested data.principalId: has an invalid format")
                .satisfies(e -> assertThat(((WebhookRefusal) e).status()).isEqualTo(422));
        verify(kafka, never()).send(any(ProducerRecord.class));
    }
}
