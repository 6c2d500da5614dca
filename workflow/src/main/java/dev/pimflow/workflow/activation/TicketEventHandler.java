package dev.pimflow.workflow.activation;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.workflow.process.ActivationProcess;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.ClosedTickets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
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
    private final ActivationRecorder recorder;
    private final ActivationProcess process;
    private final Clock clock;

    public TicketEventHandler(
            ActivationStore store,
            ClosedTickets closedTickets,
            ActivationRecorder recorder,
            ActivationProcess process,
            Clock clock) {
        this.store = store;
        this.closedTickets = closedTickets;
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
        closedTickets.remember(
                c.ticketSystem(), c.ticketNumber(), c.closedAt() != null ? c.closedAt() : clock.instant(), event.id());
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

    static Instant parse(String s) {
        return OffsetDateTime.parse(s).toInstant();
    }
}
