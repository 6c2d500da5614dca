package dev.pimflow.workflow.activation;

import dev.pimflow.audit.AuditEntry;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.InboundEventLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Audits rejected input that the rest of the orchestrator does not: an MFA response refused for its size, format or
 * key, or naming no known challenge, an approval decision refused before {@link ApprovalDecisions} saw it (format, key,
 * an unknown approval, a bad or reused assertion), and an event whose CloudEvents source and id were already used for
 * other content.
 * <p>
 * Bounded, so that junk cannot flood the trail: a rejection that names a known challenge is recorded on that
 * activation, as every other MFA rejection is (only whoever can read the challenge can name it), and one that names a
 * known approval stage likewise, as every other refused decision is (only readers of {@code pim.approvals} and the
 * stage's approvers learn its id). Every other rejection
 * is a system record (activation {@code -}), and at most {@code pim.inbound.rejection-audit-limit} of those are written
 * per {@code pim.inbound.rejection-audit-window} on each node. What the limit holds back is counted, by action, and
 * written as one {@code input-rejections-suppressed} record per window, when the window has ended (at the latest one
 * window later). Every rejection still goes to the DLT with its reason, and is logged.
 * <p>
 * Called in the listener's transaction, so a record is committed before the event goes to the DLT; the counts of a
 * transaction that rolls back are given back, so a batch applied again record by record is not counted twice.
 */
@Service
public class RejectedInputAudit {
    private static final Logger log = LoggerFactory.getLogger(RejectedInputAudit.class);
    private static final int MAX_TEXT = 300;

    private final AuditTrail audit;
    private final ActivationStore store;
    private final Approvals approvals;
    private final ActivationRecorder recorder;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final int limit;
    private final Duration window;

    private Instant windowStart;
    private int written;
    private final Map<String, Integer> suppressed = new TreeMap<>();
    /** Windows that ended with something suppressed, waiting for their summary record. */
    private final Deque<Summary> summaries = new ArrayDeque<>();

    private record Summary(Instant from, Instant to, Map<String, Integer> counts) {
        int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    public RejectedInputAudit(
            AuditTrail audit,
            ActivationStore store,
            Approvals approvals,
            ActivationRecorder recorder,
            TransactionTemplate tx,
            Clock clock,
            PimProperties properties) {
        this.audit = audit;
        this.store = store;
        this.approvals = approvals;
        this.recorder = recorder;
        this.tx = tx;
        this.clock = clock;
        this.limit = properties.inbound().rejectionAuditLimit();
        this.window = properties.inbound().rejectionAuditWindow();
        this.windowStart = clock.instant();
    }

    /**
     * An MFA response that was refused before its challenge was checked (size, format, key), or that names no known
     * challenge. {@code challengeId} is the one it names, if it could be read.
     */
    public void mfaResponseRejected(
            ConsumerRecord<String, byte[]> record, String challengeId, InvalidEventException rejection) {
        Optional<Activation> activation = challengeId == null ? Optional.empty() : store.findByChallenge(challengeId);
        if (activation.isPresent()) {
            recorder.mfaRejected(activation.get(), rejection.getMessage());
            return;
        }
        Map<String, Object> details = where(record);
        if (challengeId != null) {
            details.put("challengeId", text(challengeId));
        }
        details.put("field", rejection.field());
        details.put("reason", text(rejection.reason()));
        bounded(AuditEntry.system("mfa-gateway", AuditAction.MFA_REJECTED.wire(), "rejected", details));
    }

    /**
     * An approval decision ({@code approval.decision}) refused before its approver was checked: size, format or key, an
     * unknown approval, an assertion that does not verify or was used before. {@code approvalId} is the one it names, if
     * it could be read; {@code evidence} what is known of it (the assertion's id), never the assertion.
     */
    public void approvalDecisionRejected(
            ConsumerRecord<String, byte[]> record,
            String approvalId,
            InvalidEventException rejection,
            Map<String, Object> evidence) {
        Optional<Approvals.Approval> stage = approvalId == null ? Optional.empty() : approvals.find(approvalId);
        Optional<Activation> activation = stage.flatMap(s -> store.find(s.activationId()));
        if (activation.isPresent()) {
            Map<String, Object> d = new LinkedHashMap<>(evidence);
            d.put("field", rejection.field());
            recorder.approvalRejected(
                    activation.get(), stage.get(), APPROVAL_GATEWAY, "kafka", text(rejection.reason()), d);
            return;
        }
        Map<String, Object> details = where(record);
        if (approvalId != null) {
            details.put("approvalId", text(approvalId));
        }
        evidence.forEach((k, v) -> details.put(k, v instanceof String s ? text(s) : v));
        details.put("field", rejection.field());
        details.put("reason", text(rejection.reason()));
        bounded(AuditEntry.system(APPROVAL_GATEWAY, AuditAction.APPROVAL_REJECTED.wire(), "rejected", details));
    }

    /** The audit actor of decisions that come as signed {@code approval.decision} events, until one is verified. */
    public static final String APPROVAL_GATEWAY = "approval-gateway";

    /** A ticket event whose source and id were used before for other content (DESIGN §6.4). */
    public void ticketEventIdReused(
            ConsumerRecord<String, byte[]> record,
            InboundEvent event,
            InboundEventLog.Seen first,
            String ticketSystem,
            String ticketNumber,
            String principalId,
            String roleDefinitionId) {
        Map<String, Object> details = where(record);
        details.put("source", text(event.source()));
        details.put("eventId", text(event.id()));
        details.put("type", event.type());
        details.put("firstType", String.valueOf(first.firstType()));
        details.put("firstSeenAt", String.valueOf(first.firstSeenAt()));
        bounded(new AuditEntry(
                AuditEntry.NO_ACTIVATION,
                "ticket-system:" + ticketSystem,
                AuditAction.EVENT_ID_REUSED.wire(),
                "rejected",
                ticketSystem,
                ticketNumber,
                principalId,
                roleDefinitionId,
                details));
    }

    /**
     * A sign-in on the confirmation page that names no flow pimflow started (an unknown or already used state): there
     * is no activation to audit it on. {@code actor} is the page's channel.
     */
    public void confirmationRejected(String actor, String reason, Map<String, Object> details) {
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("reason", text(reason));
        bounded(AuditEntry.system(actor, AuditAction.MFA_REJECTED.wire(), "rejected", d));
    }

    private static Map<String, Object> where(ConsumerRecord<String, byte[]> record) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("topic", record.topic());
        details.put("partition", record.partition());
        details.put("offset", record.offset());
        details.put("key", record.key() == null ? "(none)" : text(record.key()));
        return details;
    }

    /** Untrusted text, kept printable and short. */
    private static String text(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > MAX_TEXT ? printable.substring(0, MAX_TEXT) + "…" : printable;
    }

    private synchronized void bounded(AuditEntry entry) {
        Instant now = clock.instant();
        rollWindow(now);
        Instant window = windowStart;
        boolean write = written < limit;
        if (write) {
            written++;
        } else {
            suppressed.merge(entry.action(), 1, Integer::sum);
            if (suppressed.values().stream().mapToInt(Integer::intValue).sum() == 1) {
                log.warn(
                        "More than {} rejected inputs to audit within {}: the rest of this window is counted in one '{}' record",
                        limit,
                        this.window,
                        AuditAction.INPUT_REJECTIONS_SUPPRESSED);
            }
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status != STATUS_COMMITTED) {
                        giveBack(window, write, entry.action());
                    }
                }
            });
        }
        if (write) {
            audit.record(entry);
        }
    }

    private synchronized void giveBack(Instant window, boolean written, String action) {
        if (!window.equals(windowStart)) {
            return; // that window is closed; its counts stand
        }
        if (written) {
            this.written--;
        } else {
            suppressed.computeIfPresent(action, (a, n) -> n > 1 ? n - 1 : null);
        }
    }

    private void rollWindow(Instant now) {
        if (now.isBefore(windowStart.plus(window))) {
            return;
        }
        if (!suppressed.isEmpty()) {
            summaries.add(new Summary(windowStart, windowStart.plus(window), new TreeMap<>(suppressed)));
        }
        suppressed.clear();
        written = 0;
        windowStart = now;
    }

    /**
     * Writes one summary record for each window that ended with rejections held back. Runs every window, in its own
     * transaction.
     *
     * @return how many rejections the records written account for
     */
    @Scheduled(
            initialDelayString = "${pim.inbound.rejection-audit-window}",
            fixedDelayString = "${pim.inbound.rejection-audit-window}")
    public int writeSummaries() {
        Deque<Summary> due;
        synchronized (this) {
            rollWindow(clock.instant());
            if (summaries.isEmpty()) {
                return 0;
            }
            due = new ArrayDeque<>(summaries);
            summaries.clear();
        }
        try {
            return tx.execute(status -> {
                int total = 0;
                for (Summary s : due) {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("suppressed", s.total());
                    details.put("byAction", new LinkedHashMap<>(s.counts()));
                    details.put("from", s.from().toString());
                    details.put("to", s.to().toString());
                    details.put("limit", limit);
                    audit.record(AuditEntry.system(
                            "pimflow", AuditAction.INPUT_REJECTIONS_SUPPRESSED.wire(), "suppressed", details));
                    total += s.total();
                    log.warn(
                            "{} rejected input(s) between {} and {} were over the audit limit of {}: counted in one audit record",
                            s.total(),
                            s.from(),
                            s.to(),
                            limit);
                }
                return total;
            });
        } catch (RuntimeException e) {
            synchronized (this) {
                due.descendingIterator().forEachRemaining(summaries::addFirst);
            }
            throw e;
        }
    }
}
