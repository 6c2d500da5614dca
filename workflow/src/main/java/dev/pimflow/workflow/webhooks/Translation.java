package dev.pimflow.workflow.webhooks;

import java.util.List;

/**
 * What a verified webhook means for pimflow: the events for ticket {@code ticketNumber}, in the order they are to be
 * published, or none and why ({@code ignored}: a vendor event pimflow does not follow, answered 202 so that the vendor
 * does not count it as a failed delivery).
 */
public record Translation(String ticketNumber, List<TicketEvent> events, String ignored) {
    public static Translation of(String ticketNumber, List<TicketEvent> events) {
        return new Translation(ticketNumber, List.copyOf(events), null);
    }

    public static Translation ignored(String ticketNumber, String why) {
        return new Translation(ticketNumber, List.of(), why);
    }
}
