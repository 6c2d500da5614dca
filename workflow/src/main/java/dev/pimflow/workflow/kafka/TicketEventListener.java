package dev.pimflow.workflow.kafka;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.ExtensionRequested;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.contracts.TicketAssigned;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.contracts.TicketOpened;
import dev.pimflow.contracts.TicketReopened;
import dev.pimflow.workflow.activation.ExtensionRequests;
import dev.pimflow.workflow.activation.RejectedInputAudit;
import dev.pimflow.workflow.activation.TicketEventHandler;
import dev.pimflow.workflow.directory.RequestPrecheck;
import dev.pimflow.workflow.store.InboundEventLog;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Consumes {@code tickets.events}, a poll's records at a time. Bad input throws {@link InvalidEventException} before
 * anything is written, and the error handler sends it to the DLT; good events are acted on together with their ids in
 * one transaction per poll ({@link TransactionalBatch}), so a redelivery is recognised and skipped (DESIGN §6.4, §6.5).
 * An event is known by its CloudEvents source and id together; one whose source and id were already used for other
 * content is refused: audited ({@link RejectedInputAudit}) and sent to the DLT.
 */
@Component
public class TicketEventListener {
    private static final Logger log = LoggerFactory.getLogger(TicketEventListener.class);

    private final EventCodec codec;
    private final InboundEventLog inbound;
    private final TicketEventHandler tickets;
    private final RequestPrecheck precheck;
    private final RejectedInputAudit rejections;
    private final TransactionalBatch<Prepared> batch;
    private final ExtensionRequests extensionRequests;

    public TicketEventListener(
            EventCodec codec,
            InboundEventLog inbound,
            TicketEventHandler tickets,
            TransactionTemplate tx,
            RequestPrecheck precheck,
            RejectedInputAudit rejections,
            ExtensionRequests extensionRequests) {
        this.codec = codec;
        this.extensionRequests = extensionRequests;
        this.rejections = rejections;
        this.inbound = inbound;
        this.tickets = tickets;
        this.precheck = precheck;
        this.batch = new TransactionalBatch<>(tx, this::prepare, this::apply);
    }

    @KafkaListener(
            id = "ticket-events",
            groupId = "pimflow.ticket-events",
            topics = "${pim.topics.tickets}",
            concurrency = "${pim.kafka.ticket-consumers}",
            batch = "true")
    public void onTicketEvents(List<ConsumerRecord<String, byte[]>> records) {
        batch.handle(records);
    }

    /** Decodes and checks one record (schema, key, known role and principal); writes nothing. */
    private Prepared prepare(ConsumerRecord<String, byte[]> record) {
        InboundEvent event = codec.read(record.value(), record.headers(), EventTypes.TICKET_EVENTS);
        Object data = switch (event.type()) {
            case EventTypes.TICKET_ACTIVATION_REQUESTED -> codec.data(event, ActivationRequested.class);
            case EventTypes.TICKET_CLOSED -> codec.data(event, TicketClosed.class);
            case EventTypes.TICKET_OPENED -> codec.data(event, TicketOpened.class);
            case EventTypes.TICKET_ASSIGNED -> codec.data(event, TicketAssigned.class);
            case EventTypes.TICKET_REOPENED -> codec.data(event, TicketReopened.class);
            case EventTypes.TICKET_EXTENSION_REQUESTED -> codec.data(event, ExtensionRequested.class);
            default -> throw new InvalidEventException("type", "unsupported");
        };
        checkKey(record.key(), data);
        if (data instanceof ActivationRequested r) {
            precheck.check(r);
        }
        return new Prepared(event, data);
    }

    /** Acts on one prepared record inside the batch's transaction, together with its id (so a redelivery is skipped). */
    private RuntimeException apply(ConsumerRecord<String, byte[]> record, Prepared p) {
        InboundEvent event = p.event();
        InboundEventLog.Seen seen = inbound.record(record.topic(), event);
        if (seen.kind() == InboundEventLog.Kind.REDELIVERY) {
            log.info("Event {} from {} ({}) already processed: skipped", event.id(), event.source(), event.type());
            return null;
        }
        if (seen.kind() == InboundEventLog.Kind.REUSED) {
            InvalidEventException rejection = reused(event, seen);
            if (p.data() instanceof ActivationRequested r) {
                rejections.ticketEventIdReused(
                        record, event, seen, r.ticketSystem(), r.ticketNumber(), r.principalId(), r.roleDefinitionId());
            } else {
                String[] ticket = ticketOf(p.data());
                rejections.ticketEventIdReused(record, event, seen, ticket[0], ticket[1], null, null);
            }
            log.warn(
                    "Event {} from {} ({}) reuses the id of an earlier event with other content: rejected",
                    event.id(),
                    event.source(),
                    event.type());
            return rejection;
        }
        if (p.data() instanceof ActivationRequested r) {
            tickets.activationRequested(event, r);
        } else if (p.data() instanceof TicketClosed c) {
            tickets.ticketClosed(event, c);
        } else if (p.data() instanceof TicketOpened o) {
            tickets.ticketOpened(event, o);
        } else if (p.data() instanceof TicketAssigned t) {
            tickets.ticketAssigned(event, t);
        } else if (p.data() instanceof TicketReopened r) {
            tickets.ticketReopened(event, r);
        } else if (p.data() instanceof ExtensionRequested x) {
            try {
                extensionRequests.fromTicket(event, x);
            } catch (InvalidEventException e) {
                // names no activation of the ticket: nothing to audit it on; it goes to the dead-letter topic
                log.warn("Extension request {} from {} rejected: {}", event.id(), event.source(), e.getMessage());
                return e;
            }
        }
        return null;
    }

    /** The rejection of an event whose source and id were used before for other content (DESIGN §6.4). */
    static InvalidEventException reused(InboundEvent event, InboundEventLog.Seen first) {
        return new InvalidEventException(
                "id",
                "reused with different content: source '" + event.source() + "' already sent id '"
                        + event.id() + "' (" + first.firstType() + ", received " + first.firstSeenAt()
                        + "); a new event needs a new id, a redelivery the same content");
    }

    /** The ticket (system, number) every ticket event names. */
    private static String[] ticketOf(Object data) {
        if (data instanceof ActivationRequested r) {
            return new String[] {r.ticketSystem(), r.ticketNumber()};
        } else if (data instanceof TicketClosed c) {
            return new String[] {c.ticketSystem(), c.ticketNumber()};
        } else if (data instanceof TicketOpened o) {
            return new String[] {o.ticketSystem(), o.ticketNumber()};
        } else if (data instanceof TicketAssigned t) {
            return new String[] {t.ticketSystem(), t.ticketNumber()};
        } else if (data instanceof TicketReopened r) {
            return new String[] {r.ticketSystem(), r.ticketNumber()};
        } else if (data instanceof ExtensionRequested x) {
            return new String[] {x.ticketSystem(), x.ticketNumber()};
        }
        throw new IllegalArgumentException("not a ticket event: " + data.getClass());
    }

    private record Prepared(InboundEvent event, Object data) {}

    /** The key is {@code <ticketSystem>:<ticketNumber>} (DESIGN §3), which keeps one ticket's events in order. */
    private static void checkKey(String key, Object data) {
        String[] ticket = ticketOf(data);
        String expected = ticket[0] + ":" + ticket[1];
        if (key == null) {
            throw new InvalidEventException(
                    "key", "missing: must be '<ticketSystem>:<ticketNumber>' of the data ('" + expected + "')");
        }
        if (!key.equals(expected)) {
            throw new InvalidEventException(
                    "key", "must be '<ticketSystem>:<ticketNumber>' of the data ('" + expected + "')");
        }
    }
}
