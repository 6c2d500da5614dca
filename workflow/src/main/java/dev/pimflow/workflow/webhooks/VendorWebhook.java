package dev.pimflow.workflow.webhooks;

import java.util.function.Function;

/**
 * One ticket system's webhook: verifies the raw body against the vendor's signature before anything is parsed, refuses
 * a replay outside the vendor's window, and maps the payload to ticket events. Plain code, testable without Spring;
 * every refusal is a {@link WebhookRefusal}.
 */
public interface VendorWebhook {
    /** The path segment: {@code POST /webhooks/<system>}, and {@code urn:pimflow:webhook:<system>} as source. */
    String system();

    /** The {@code ticketSystem} of the events, the first half of their key. */
    String ticketSystem();

    /** Whether a secret is configured; without one the endpoint answers 404. */
    boolean enabled();

    /** @param header the request's header by name (case-insensitive), null when absent */
    Translation receive(Function<String, String> header, byte[] body);
}
