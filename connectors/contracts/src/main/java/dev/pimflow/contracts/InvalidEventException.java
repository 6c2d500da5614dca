package dev.pimflow.contracts;

/** Input that cannot be accepted. {@link #field()} names the offending field (JSON path style, e.g. {@code data.duration}). */
public class InvalidEventException extends RuntimeException {
    private final String field;
    private final String reason;

    public InvalidEventException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
