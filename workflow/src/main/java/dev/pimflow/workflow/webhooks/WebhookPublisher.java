package dev.pimflow.workflow.webhooks;

import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InvalidEventException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Publishes a webhook's events to {@code tickets.events} (key {@code <ticketSystem>:<ticketNumber>}, source
 * {@code urn:pimflow:webhook:<system>}, structured CloudEvents) and returns only once Kafka acknowledged every one.
 * <p>
 * Each event is first read back as the orchestrator's listener will read it (the same codec and schemas), so a webhook
 * whose events would end on the dead-letter topic is refused (422) before anything is sent. The events share a key,
 * hence a partition, and go out in order. If one send fails after another succeeded, the answer is 503 and the vendor
 * retries: the retry yields the same ids and the same data, the event already on the topic is skipped by the listener
 * as a redelivery (DESIGN §6.4) and the other one gets through. Nothing is claimed to the vendor before all were acked.
 */
public class WebhookPublisher {
    private final KafkaTemplate<String, byte[]> kafka;
    private final EventCodec codec;
    private final String topic;
    private final Duration timeout;

    public WebhookPublisher(KafkaTemplate<String, byte[]> kafka, EventCodec codec, String topic, Duration timeout) {
        this.kafka = kafka;
        this.codec = codec;
        this.topic = topic;
        this.timeout = timeout;
    }

    public static URI source(String system) {
        return URI.create("urn:pimflow:webhook:" + system);
    }

    /** @return the published events' ids */
    public List<String> publish(String system, String ticketSystem, String ticketNumber, List<TicketEvent> events) {
        String key = ticketSystem + ":" + ticketNumber;
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (TicketEvent event : events) {
            byte[] value = codec.writeInbound(event.id(), event.type(), source(system), event.data());
            RecordHeaders headers = new RecordHeaders();
            headers.add(new RecordHeader(
                    EventCodec.CONTENT_TYPE_HEADER, EventCodec.contentType().getBytes(StandardCharsets.UTF_8)));
            try {
                codec.read(value, headers, EventTypes.TICKET_EVENTS);
            } catch (InvalidEventException e) {
                throw WebhookRefusal.unmappable(event.type() + " " + e.field(), e.reason(), ticketNumber);
            }
            records.add(new ProducerRecord<>(topic, null, key, value, headers));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<CompletableFuture<SendResult<String, byte[]>>> sent = new ArrayList<>();
        try {
            for (ProducerRecord<String, byte[]> record : records) {
                sent.add(kafka.send(record));
            }
            for (CompletableFuture<SendResult<String, byte[]>> future : sent) {
                future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(ticketNumber);
        } catch (Exception e) {
            throw unavailable(ticketNumber);
        }
        return events.stream().map(TicketEvent::id).toList();
    }

    private WebhookRefusal unavailable(String ticketNumber) {
        return new WebhookRefusal(
                503, "Kafka did not acknowledge the events within " + timeout + ": retry later", ticketNumber);
    }
}
