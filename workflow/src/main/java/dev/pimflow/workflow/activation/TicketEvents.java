package dev.pimflow.workflow.activation;

import static dev.pimflow.workflow.process.ProcessElements.Vars;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.workflow.process.ProcessElements;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.ClosedTickets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** What a ticket event does. Called inside the listener's transaction, after the event id was found new. */
@Service
public class TicketEvents {
    private static final Logger log = LoggerFactory.getLogger(TicketEvents.class);

    private final ActivationStore store;
    private final ClosedTickets closedTickets;
    private final ActivationSteps steps;
    private final RuntimeService runtime;
    private final Clock clock;

    public TicketEvents(
            ActivationStore store,
            ClosedTickets closedTickets,
            ActivationSteps steps,
            RuntimeService runtime,
            Clock clock) {
        this.store = store;
        this.closedTickets = closedTickets;
        this.steps = steps;
        this.runtime = runtime;
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
            steps.duplicateRequest(live.get(), event.id(), actor);
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
        steps.requested(a, event.id(), actor);

        // only what the process needs (its timers and gateways) and what an operator searches by in Cockpit; the rest
        // is in the activation row, and every variable costs rows in ACT_RU_VARIABLE and ACT_HI_VARINST
        Map<String, Object> vars = new HashMap<>();
        vars.put(Vars.ACTIVATION_ID, a.id());
        vars.put(Vars.TICKET_SYSTEM, a.ticketSystem());
        vars.put(Vars.PRINCIPAL_ID, a.principalId());
        vars.put(Vars.ROLE_DEFINITION_ID, a.roleDefinitionId());
        ProcessInstance instance = runtime.createMessageCorrelation(ProcessElements.MESSAGE_ACTIVATION_REQUESTED)
                .processInstanceBusinessKey(a.ticketNumber())
                .setVariables(vars)
                .correlateStartMessage();
        store.attachProcess(a.id(), instance.getId());
        log.info(
                "Activation {} requested for ticket {} ({}), process instance {}",
                a.id(),
                a.ticketNumber(),
                a.ticketSystem(),
                instance.getId());
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
            steps.ticketClosed(a, event.id(), "ticket-system:" + c.ticketSystem());
            // by process instance id: a lookup by primary key, where a business key plus a variable filter would
            // read the variables of every running instance
            if (a.processInstanceId() != null) {
                notified += runtime.createMessageCorrelation(ProcessElements.MESSAGE_TICKET_CLOSED)
                        .processInstanceId(a.processInstanceId())
                        .correlateAllWithResult()
                        .size();
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
