package dev.pimflow.workflow.activation;

import dev.pimflow.contracts.InvalidEventException;

/** What became of an MFA response ({@link MfaResponseHandler#respond}). */
public sealed interface MfaOutcome {
    /** Verified and handed to the waiting process: approved or denied by the person. */
    record Accepted(boolean approved) implements MfaOutcome {}

    /** Refused after its challenge was found; already audited on that activation. Goes to the DLT. */
    record Rejected(InvalidEventException rejection) implements MfaOutcome {}

    /** Names no challenge pimflow issued, so there is no activation to audit it on. Goes to the DLT. */
    record UnknownChallenge(InvalidEventException rejection) implements MfaOutcome {}
}
