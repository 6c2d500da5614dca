package dev.pimflow.workflow.webhooks;

/**
 * A webhook pimflow will not turn into events, with the HTTP status that says so and a reason fit for the log and the
 * answer: it names the field and what is wrong, never a secret, a signature or the body's personal data. The ticket
 * number, when the payload was read far enough to know it, is the one value of the body a refusal may show.
 */
public class WebhookRefusal extends RuntimeException {
    private final int status;
    private final String ticketNumber;

    public WebhookRefusal(int status, String reason) {
        this(status, reason, null);
    }

    public WebhookRefusal(int status, String reason, String ticketNumber) {
        super(reason, null, false, false);
        this.status = status;
        this.ticketNumber = ticketNumber;
    }

    /** 401: the signature is missing or wrong, or the webhook is a replay outside the vendor's window. */
    public static WebhookRefusal unauthenticated(String reason) {
        return new WebhookRefusal(401, reason);
    }

    /** 400: not JSON, or a field the mapping needs is missing or has the wrong form. */
    public static WebhookRefusal badPayload(String field, String reason, String ticketNumber) {
        return new WebhookRefusal(400, field + ": " + reason, ticketNumber);
    }

    /** 422: well-formed, but it names a person or value pimflow cannot map. */
    public static WebhookRefusal unmappable(String field, String reason, String ticketNumber) {
        return new WebhookRefusal(422, field + ": " + reason, ticketNumber);
    }

    public int status() {
        return status;
    }

    public String reason() {
        return getMessage();
    }

    public String ticketNumber() {
        return ticketNumber;
    }

    /** The same refusal, now that the ticket it is about is known. */
    WebhookRefusal about(String ticket) {
        return ticketNumber != null || ticket == null ? this : new WebhookRefusal(status, reason(), ticket);
    }
}
