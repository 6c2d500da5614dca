package dev.pimflow.mfa;

/**
 * An approval decision assertion that must not be honoured. The reason is safe to log and audit: it never contains the
 * assertion.
 */
public class ApprovalRejectedException extends RuntimeException {
    private final String reason;

    public ApprovalRejectedException(String reason) {
        super(reason);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
