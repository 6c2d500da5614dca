package dev.pimflow.workflow.api;

import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Tickets;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A ticket as pimflow knows it from {@code tickets.events} (DESIGN §9.2): open or closed, its assignees, and the
 * activations it asked for. Query parameters, since ticket numbers may hold characters a path cannot.
 */
@RestController
@RequestMapping("/api")
public class TicketController {
    private final Tickets tickets;
    private final ActivationStore store;

    public TicketController(Tickets tickets, ActivationStore store) {
        this.tickets = tickets;
        this.store = store;
    }

    /** The ticket and its activations; 404 when pimflow has seen neither an event of it nor a request on it. */
    public record TicketView(Tickets.Ticket ticket, List<Activation> activations) {}

    @GetMapping("/tickets")
    public ResponseEntity<?> one(@RequestParam String system, @RequestParam String number) {
        var ticket = tickets.find(system, number).orElse(null);
        List<Activation> activations = store.findByTicket(system, number);
        if (ticket == null && activations.isEmpty()) {
            return ResponseEntity.status(404)
                    .body(Map.of(
                            "error",
                            "not found",
                            "field",
                            "number",
                            "reason",
                            "no ticket " + number + " of " + system + " is known"));
        }
        return ResponseEntity.ok(new TicketView(ticket, activations));
    }
}
