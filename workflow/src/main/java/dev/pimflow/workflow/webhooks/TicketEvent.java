package dev.pimflow.workflow.webhooks;

/**
 * One event a webhook yields for {@code tickets.events}: its CloudEvents {@code id} (derived from the vendor's own id
 * of what happened, so a redelivered webhook yields the same ids and the same data), {@code type} and {@code data}
 * (a record of the contracts module).
 */
public record TicketEvent(String id, String type, Object data) {}
