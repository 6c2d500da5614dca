package dev.pimflow.workflow.process;

import dev.pimflow.pim.PimException;
import java.time.Duration;

/** A PIM call that failed in a way the job executor should retry; its message tells an operator what failed and what to do. */
public class PimCallFailedException extends RuntimeException {
    public PimCallFailedException(String step, PimException e) {
        super(message(step, e), e);
    }

    static String message(String step, PimException e) {
        String status = e.httpStatus() > 0 ? "HTTP " + e.httpStatus() + " " : "";
        String what = "'" + step + "' failed: PIM answered " + status + e.getMessage();
        Duration throttledFor = ThrottledJobsKeepTheirRetries.throttledFor(e);
        String todo = switch (e.kind()) {
            case RETRY ->
                throttledFor != null
                        ? " | Graph is throttling pimflow (its quota): the job waits the Retry-After of "
                                + throttledFor.toMillis()
                                + " ms and keeps its retries."
                        : " | Graph was unavailable or throttling. pimflow retries on its own (pim.retry.*); once Graph "
                                + "answers again, retry this job in Cockpit (Increment Number of Retries).";
            case INCIDENT ->
                " | Check the app registration's Graph permissions and credentials (pim.graph.*) and the role's PIM "
                        + "settings, then retry this job in Cockpit.";
            case DENY -> " | PIM refused the request.";
        };
        String full = what + todo;
        return full.length() > 3900 ? full.substring(0, 3900) : full;
    }
}
