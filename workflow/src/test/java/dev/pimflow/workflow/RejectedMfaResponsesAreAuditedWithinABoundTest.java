package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TopicWatcher.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 17, finding 6: every rejected MFA response is audited, but junk cannot flood the trail. With a limit of 3 system
 * records per 4-second window, a burst of 20 malformed responses is audited as at most 3 records per window it spans
 * plus one summary record per window that counts the rest, so that every one of the 20 is accounted for; each of the
 * 20 still reaches the DLT with its reason.
 */
// its own engine name (no hyphens): its context is its own, and engine REST and Cockpit look engines up by name in a
// JVM-wide registry
@TestPropertySource(
        properties = {
            "pim.inbound.rejection-audit-limit=3",
            "pim.inbound.rejection-audit-window=PT4S",
            "camunda.bpm.process-engine-name=rejectionboundtest"
        })
class RejectedMfaResponsesAreAuditedWithinABoundTest extends EndToEndTestBase {
    private static final int BURST = 20;

    @Test
    void aBurstOfJunkIsAuditedUpToTheLimitAndCountedInASummary() {
        for (int i = 0; i < BURST; i++) {
            tickets.sendRaw("pim.mfa.responses", "bound-test-" + i, "junk " + i + " {");
        }
        await().atMost(WAIT)
                .until(() -> topics.records(
                                        "pim.mfa.responses.dlt",
                                        r -> r.key() != null && r.key().startsWith("bound-test-"))
                                .size()
                        == BURST);
        assertThat(topics.records(
                        "pim.mfa.responses.dlt", r -> r.key() != null && r.key().startsWith("bound-test-")))
                .allSatisfy(r -> assertThat(header(r, "pim-dlt-field")).isEqualTo("payload"))
                .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .startsWith("junk "));

        // once the windows have ended, the records written and the ones counted in summaries add up to the burst
        await().atMost(WAIT).until(() -> written().size() + suppressed() == BURST);
        List<AuditRecord> written = written();
        List<AuditRecord> summaries = summaries();
        // the burst (well under a second) falls in one window, or across the end of one into the next
        assertThat(summaries)
                .as("one summary per window that held rejections back")
                .isNotEmpty()
                .hasSizeLessThanOrEqualTo(2);
        assertThat(written)
                .as("at most the limit per window, and the burst spans at most two")
                .hasSizeBetween(1, 2 * 3);
        assertThat(suppressed()).isGreaterThanOrEqualTo(BURST - 2 * 3);
        assertThat(written).allSatisfy(r -> {
            assertThat(r.activationId()).isEqualTo(AuditEntry.NO_ACTIVATION);
            assertThat(r.details())
                    .containsEntry("topic", "pim.mfa.responses")
                    .containsEntry("field", "payload")
                    .containsKeys("partition", "offset");
        });
        assertThat(summaries).allSatisfy(s -> {
            assertThat(s.outcome()).isEqualTo("suppressed");
            assertThat(s.details()).containsEntry("limit", 3).containsKeys("from", "to", "byAction");
        });
        assertThat(auditIntact()).isTrue();
    }

    private List<AuditRecord> written() {
        return chainedAudit(AuditEntry.NO_ACTIVATION).stream()
                .filter(r -> AuditAction.MFA_REJECTED.is(r.action())
                        && String.valueOf(r.details().get("key")).startsWith("bound-test-"))
                .toList();
    }

    private List<AuditRecord> summaries() {
        return chainedAudit(AuditEntry.NO_ACTIVATION).stream()
                .filter(r -> AuditAction.INPUT_REJECTIONS_SUPPRESSED.is(r.action()))
                .toList();
    }

    private int suppressed() {
        return summaries().stream()
                .mapToInt(s -> ((Number) s.details().get("suppressed")).intValue())
                .sum();
    }
}
