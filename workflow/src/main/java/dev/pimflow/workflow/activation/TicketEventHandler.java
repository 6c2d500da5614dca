package dev.pimflow.workflow.activation;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.TicketAssigned;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.contracts.TicketOpened;
import dev.pimflow.contracts.TicketReopened;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.process.ActivationProcess;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.ClosedTickets;
import dev.pimflow.workflow.store.Tickets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Handles a ticket event (the use cases "activation requested" and "ticket closed"). Called inside the listener's
 * transaction, after the event id was found new.
 */
@Service
public class TicketEventHandler {
    private static final Logger log = LoggerFactory.getLogger(TicketEventHandler.class);

    private final ActivationStore store;
    private final ClosedTickets closedTickets;
    private final Tickets tickets;
    private final boolean requireAssignee;
    private final ActivationRecorder recorder;
    private final ActivationProcess process;
    private final Clock clock;

    public TicketEventHandler(
            ActivationStore store,
            ClosedTickets closedTickets,
            ActivationRecorder recorder,
            ActivationProcess process,
            Clock clock,
            Tickets tickets,
            PimProperties properties) {
        this.store = store;
        this.closedTickets = closedTickets;
        this.tickets = tickets;
        this.requireAssignee = properties.tickets().requireAssignee();
        this.recorder = recorder;
        this.process = process;
        this.clock = clock;
    }

    /** Starts one process instance per request, unless the same (ticket, principal, role, scope) is already live. */
    public void activationRequested(InboundEvent event, ActivationRequested r) {
        String actor = "ticket-system:" + r.ticketSystem();
        var live = store.findLive(
                r.ticketSystem(), r.ticketNumber(), r.principalId(), r.roleDefinitionId(), r.directoryScopeId());
        if (live.isPresent()) {
            log.info(
                    "Request {} for ticket {} repeats live activation {}: no-op",
                    event.id(),
                    r.ticketNumber(),
                    live.get().id());
            recorder.duplicateRequest(live.get(), event.id(), actor);
            return;
        }
        Instant now = clock.instant();
        Activation a = Activation.builder()
                .id(UUID.randomUUID().toString())
                .ticketSystem(r.ticketSystem())
                .ticketNumber(r.ticketNumber())
                .principalId(r.principalId().toLowerCase())
                .roleDefinitionId(r.roleDefinitionId().toLowerCase())
                .directoryScopeId(r.directoryScopeId())
                .justification(r.justification())
                .requestedDuration(r.duration().toString())
                .status(Status.REQUESTED)
                .requestEventId(event.id())
                .createdAt(now)
                .updatedAt(now)
                .build();
        store.insert(a);
        recorder.requested(a, event.id(), actor);

        String processInstanceId = process.start(a);
        store.attachProcess(a.id(), processInstanceId);
        log.info(
                "Activation {} requested for ticket {} ({}), process instance {}",
                a.id(),
                a.ticketNumber(),
                a.ticketSystem(),
                processInstanceId);
    }

    /**
     * Remembers the closure, then tells every live activation of the ticket: a pending one is cancelled, an active one
     * revoked (the process decides which, by where it waits).
     */
    public void ticketClosed(InboundEvent event, TicketClosed c) {
        Instant closedAt = c.closedAt() != null ? c.closedAt() : clock.instant();
        closedTickets.remember(c.ticketSystem(), c.ticketNumber(), closedAt, event.id());
        tickets.closed(c.ticketSystem(), c.ticketNumber(), closedAt, event.id());
        List<Activation> live = store.findByTicket(c.ticketSystem(), c.ticketNumber()).stream()
                .filter(Activation::live)
                .toList();
        int notified = 0;
        for (Activation a : live) {
            recorder.ticketClosed(a, event.id(), "ticket-system:" + c.ticketSystem());
            if (a.processInstanceId() != null) {
                notified += process.ticketClosed(a);
            }
        }
        log.info(
                "Ticket {} ({}) closed: {} live activation(s), {} process instance(s) notified",
                c.ticketNumber(),
                c.ticketSystem(),
                live.size(),
                notified);
    }

    /** The ticket exists and is open, assigned to these principals (DESIGN §9.2). */
    public void ticketOpened(InboundEvent event, TicketOpened o) {
        if (closedTickets.isClosed(o.ticketSystem(), o.ticketNumber())) {
            // an opened event after the closure (a late or replayed one) does not reopen it: ticket.reopened does
            log.info("Ticket {} ({}) opened after its closure: stays closed", o.ticketNumber(), o.ticketSystem());
            tickets.assigned(o.ticketSystem(), o.ticketNumber(), o.assignees(), o.openedAt(), event.id());
            return;
        }
        tickets.opened(
                o.ticketSystem(), o.ticketNumber(), o.title(), o.priority(), o.assignees(), o.openedAt(), event.id());
        log.info(
                "Ticket {} ({}) opened, {} assignee(s)",
                o.ticketNumber(),
                o.ticketSystem(),
                o.assignees().size());
    }

    /**
     * The ticket's assignees are now these. With {@code pim.tickets.require-assignee}, every live activation of the
     * ticket whose principal is no longer among them ends ({@code ticket-reassigned}): a pending one is cancelled, an
     * active one revoked. Activations of other tickets are not touched.
     */
    public void ticketAssigned(InboundEvent event, TicketAssigned t) {
        tickets.assigned(t.ticketSystem(), t.ticketNumber(), t.assignees(), t.assignedAt(), event.id());
        Set<String> now =
                t.assignees().stream().map(p -> p.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        int ended = 0;
        if (requireAssignee) {
            for (Activation a : store.findByTicket(t.ticketSystem(), t.ticketNumber())) {
                if (a.live() && !now.contains(a.principalId().toLowerCase(Locale.ROOT))) {
                    recorder.ticketReassigned(a, event.id(), "ticket-system:" + t.ticketSystem());
                    if (a.processInstanceId() != null) {
                        ended += process.ticketReassigned(a);
                    }
                }
            }
        }
        log.info(
                "Ticket {} ({}) assigned to {} principal(s); {} activation(s) of dropped principals told to end",
                t.ticketNumber(),
                t.ticketSystem(),
                now.size(),
                ended);
    }

    /** The ticket is open again: new requests are accepted; what its closure ended stays ended. */
    public void ticketReopened(InboundEvent event, TicketReopened r) {
        closedTickets.forget(r.ticketSystem(), r.ticketNumber());
        tickets.reopened(r.ticketSystem(), r.ticketNumber(), r.reopenedAt(), event.id());
        log.info("Ticket {} ({}) reopened", r.ticketNumber(), r.ticketSystem());
    }

    static Instant parse(String s) {
        return OffsetDateTime.parse(s).toInstant();
    }
}
