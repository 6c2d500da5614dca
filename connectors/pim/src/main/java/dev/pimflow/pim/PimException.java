package dev.pimflow.pim;

import java.time.Duration;

/** Every PIM failure, classified by what the caller should do about it. */
public class PimException extends RuntimeException {

    public enum Kind {
        /** The request is not allowed (policy, eligibility, unknown subject or role). Do not retry. */
        DENY,
        /** Transient (throttling, 5xx, timeout, connection). Retry later, honouring {@link #retryAfter()}. */
        RETRY,
        /** Needs a human (authentication, permissions, unexpected answers). */
        INCIDENT
    }

    private final Kind kind;
    private final String code;
    private final int httpStatus;
    private final Duration retryAfter;

    public PimException(Kind kind, String code) {
        this(kind, code, code, 0, null, null);
    }

    public PimException(Kind kind, String code, String message) {
        this(kind, code, message, 0, null, null);
    }

    public PimException(Kind kind, String code, String message, int httpStatus, Duration retryAfter, Throwable cause) {
        super(message == null ? code : message, cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
        this.code = code;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** Graph's {@code error.code}, or a client code such as {@code Timeout} or {@code HttpStatus503}. */
    public String code() {
        return code;
    }

    /** The HTTP status of the failed call, 0 if there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** How long Graph asked us to wait, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
