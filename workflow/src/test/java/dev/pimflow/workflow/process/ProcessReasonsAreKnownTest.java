package dev.pimflow.workflow.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BPMN sets {@code denyReason} and {@code revokeReason} with literals (readable in the diagram's XML): each must be
 * a {@link Reason} the contract knows for that ending, and each revocation reason must have its path in the process.
 */
class ProcessReasonsAreKnownTest {
    private static final Pattern SET_REASON = Pattern.compile("execution\\.setVariable\\('("
            + ProcessElements.Vars.DENY_REASON + "|" + ProcessElements.Vars.REVOKE_REASON + "|"
            + ProcessElements.Vars.CANCEL_REASON + ")', '([^']*)'\\)");

    @Test
    void everyReasonTheProcessSetsIsAKnownReason() throws IOException {
        String bpmn;
        try (InputStream in = getClass().getResourceAsStream("/bpmn/ticket-activation.bpmn")) {
            bpmn = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Reason> denials = new ArrayList<>();
        List<Reason> revocations = new ArrayList<>();
        List<Reason> cancellations = new ArrayList<>();
        Matcher m = SET_REASON.matcher(bpmn);
        while (m.find()) {
            Reason reason = Reason.fromWire(m.group(2))
                    .orElseThrow(() -> new AssertionError("unknown reason in the BPMN: " + m.group()));
            Status ends = m.group(1).equals(ProcessElements.Vars.DENY_REASON)
                    ? Status.DENIED
                    : m.group(1).equals(ProcessElements.Vars.REVOKE_REASON) ? Status.REVOKED : Status.CANCELLED;
            assertThat(reason.explains(ends)).as(m.group()).isTrue();
            (ends == Status.DENIED ? denials : ends == Status.REVOKED ? revocations : cancellations).add(reason);
        }
        // the same reason may be set on more than one path (an extension's MFA, the ways an activation ends while an
        // extension waits): each literal is checked above, the set of them here
        assertThat(Set.copyOf(denials)).containsExactlyInAnyOrder(Reason.MFA_DENIED, Reason.MFA_TIMEOUT);
        assertThat(Set.copyOf(revocations))
                .containsExactlyInAnyOrder(
                        Reason.EXPIRED, Reason.TICKET_CLOSED, Reason.MANUAL, Reason.TICKET_REASSIGNED);
        assertThat(Set.copyOf(cancellations)).containsExactly(Reason.TICKET_REASSIGNED);
    }
}
