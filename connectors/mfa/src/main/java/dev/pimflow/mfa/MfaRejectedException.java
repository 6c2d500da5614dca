package dev.pimflow.mfa;

/** An MFA assertion that must not be honoured. The reason is safe to log and audit: it never contains the assertion. */
public class MfaRejectedException extends RuntimeException {
    private final String reason;

    public MfaRejectedException(String reason) {
        super(reason);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
