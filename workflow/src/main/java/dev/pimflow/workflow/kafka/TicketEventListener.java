package dev.pimflow.workflow.kafka;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.workflow.activation.RequestPrecheck;
import dev.pimflow.workflow.activation.TicketEvents;
import dev.pimflow.workflow.store.InboundEventLog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Consumes {@code tickets.events}. Bad input throws {@link InvalidEventException} before anything is written, and the
 * error handler sends it to the DLT; a good event is acted on in one transaction together with its id, so a
 * redelivery is recognised and skipped (DESIGN §6.4, §6.5).
 */
@Component
public class TicketEventListener {
    private static final Logger log = LoggerFactory.getLogger(TicketEventListener.class);

    private final EventCodec codec;
    private final InboundEventLog inbound;
    private final TicketEvents tickets;
    private final TransactionTemplate tx;
    private final RequestPrecheck precheck;

    public TicketEventListener(EventCodec codec, InboundEventLog inbound, TicketEvents tickets, TransactionTemplate tx,
                               RequestPrecheck precheck) {
        this.codec = codec;
        this.inbound = inbound;
        this.tickets = tickets;
        this.tx = tx;
        this.precheck = precheck;
    }

    @KafkaListener(id = "ticket-events", groupId = "pimflow.ticket-events", topics = "${pim.topics.tickets}",
            concurrency = "${pim.kafka.ticket-consumers:3}")
    public void onTicketEvent(ConsumerRecord<String, byte[]> record) {
        InboundEvent event = codec.read(record.value(), record.headers(), EventTypes.TICKET_EVENTS);
        Object data = switch (event.type()) {
            case EventTypes.TICKET_ACTIVATION_REQUESTED -> codec.data(event, ActivationRequested.class);
            case EventTypes.TICKET_CLOSED -> codec.data(event, TicketClosed.class);
            default -> throw new InvalidEventException("type", "unsupported");
        };
        checkKey(record.key(), data);
        if (data instanceof ActivationRequested r) {
            precheck.check(r);
        }
        tx.executeWithoutResult(status -> {
            if (!inbound.firstSeen(record.topic(), event.id(), event.type())) {
                log.info("Event {} ({}) already processed: skipped", event.id(), event.type());
                return;
            }
            if (data instanceof ActivationRequested r) {
                tickets.activationRequested(event, r);
            } else if (data instanceof TicketClosed c) {
                tickets.ticketClosed(event, c);
            }
        });
    }

    /** The key is {@code <ticketSystem>:<ticketNumber>} (DESIGN §3), which keeps one ticket's events in order. */
    private static void checkKey(String key, Object data) {
        String expected = data instanceof ActivationRequested r ? r.ticketSystem() + ":" + r.ticketNumber()
                : data instanceof TicketClosed c ? c.ticketSystem() + ":" + c.ticketNumber() : null;
        if (key != null && expected != null && !key.equals(expected)) {
            throw new InvalidEventException("key", "must be '<ticketSystem>:<ticketNumber>' of the data ('" + expected + "')");
        }
    }
}
