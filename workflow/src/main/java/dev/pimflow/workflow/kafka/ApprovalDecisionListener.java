package dev.pimflow.workflow.kafka;

import dev.pimflow.contracts.ApprovalDecision;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.mfa.ApprovalAssertion;
import dev.pimflow.mfa.ApprovalAssertionVerifier;
import dev.pimflow.mfa.ApprovalRejectedException;
import dev.pimflow.mfa.MfaAssertionVerifier;
import dev.pimflow.workflow.activation.ApprovalDecisions;
import dev.pimflow.workflow.activation.RejectedInputAudit;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.InboundEventLog;
import dev.pimflow.workflow.store.UsedAssertions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Consumes {@code pim.approvals.decisions}: an approver's decision on an approval stage, signed by the MFA gateway's keys
 * (DESIGN §4 {@code approval.decision}), the third channel besides Tasklist and the product API. A poll's records are
 * acted on in one transaction ({@link TransactionalBatch}), as {@link MfaResponseListener}'s are.
 * <p>
 * In order: the event must name a known stage, under its approval id as the key; its assertion must verify for that
 * stage ({@link ApprovalAssertionVerifier}); its {@code jti} is then used up, whatever becomes of the decision, so a
 * captured assertion cannot be sent again; and the decision goes through {@link ApprovalDecisions}, whose rules (one of
 * the stage's approvers, not the requester, still pending, justification) hold for every channel. Every refusal is
 * audited in the transaction and the event then goes to the DLT with its reason: refusals before {@link
 * ApprovalDecisions} by {@link RejectedInputAudit} (on the activation when the stage is known, else bounded), the rest by
 * {@link ApprovalDecisions} itself.
 */
@Component
public class ApprovalDecisionListener {
    private static final Logger log = LoggerFactory.getLogger(ApprovalDecisionListener.class);
    /** The channel a decision through this listener is recorded with. */
    public static final String CHANNEL = "kafka";
    /**
     * Prefix of an approval assertion's id in {@code used_mfa_assertion}: MFA assertion ids there start with {@code
     * jti:} or {@code sha256:}, so a {@code jti} used in both kinds neither collides nor blocks the other.
     */
    static final String USED_PREFIX = "approval-jti:";

    private final EventCodec codec;
    private final InboundEventLog inbound;
    private final Approvals approvals;
    private final ApprovalAssertionVerifier verifier;
    private final UsedAssertions usedAssertions;
    private final ApprovalDecisions decisions;
    private final RejectedInputAudit rejections;
    private final TransactionalBatch<Prepared> batch;

    public ApprovalDecisionListener(
            EventCodec codec,
            InboundEventLog inbound,
            Approvals approvals,
            MfaAssertionVerifier mfaVerifier,
            UsedAssertions usedAssertions,
            ApprovalDecisions decisions,
            TransactionTemplate tx,
            RejectedInputAudit rejections) {
        this.codec = codec;
        this.inbound = inbound;
        this.approvals = approvals;
        // the MFA gateway's keys and configuration (pim.mfa.shared-secret, pim.mfa.jwks-uri), whichever is in use
        this.verifier = mfaVerifier.approvalDecisions();
        this.usedAssertions = usedAssertions;
        this.decisions = decisions;
        this.rejections = rejections;
        this.batch = new TransactionalBatch<>(tx, this::prepare, this::apply);
    }

    @KafkaListener(
            id = "approval-decisions",
            groupId = "pimflow.approval-decisions",
            topics = "${pim.topics.approval-decisions}",
            concurrency = "${pim.kafka.mfa-consumers}",
            batch = "true")
    public void onApprovalDecisions(List<ConsumerRecord<String, byte[]>> records) {
        batch.handle(records);
    }

    /** Decodes and checks one record; writes nothing. Bad input is kept as a rejection, to be audited when applied. */
    private Prepared prepare(ConsumerRecord<String, byte[]> record) {
        InboundEvent event;
        ApprovalDecision decision;
        try {
            event = codec.read(record.value(), record.headers(), Set.of(EventTypes.APPROVAL_DECISION));
            decision = codec.data(event, ApprovalDecision.class);
        } catch (InvalidEventException e) {
            return new Prepared(null, null, e);
        }
        // the key is the approval id: one stage's decisions stay on one partition, in order
        if (record.key() == null) {
            return new Prepared(
                    event, decision, new InvalidEventException("key", "missing: must be the approval id of the data"));
        }
        if (!record.key().equals(decision.approvalId())) {
            return new Prepared(
                    event, decision, new InvalidEventException("key", "must be the approval id of the data"));
        }
        return new Prepared(event, decision, null);
    }

    /** A rejected decision is audited in the batch's transaction and then sent to the DLT. */
    private RuntimeException apply(ConsumerRecord<String, byte[]> record, Prepared p) {
        String approvalId = p.decision() == null ? null : p.decision().approvalId();
        if (p.rejection() != null) {
            return rejected(record, approvalId, p.rejection(), Map.of());
        }
        InboundEventLog.Seen seen = inbound.record(record.topic(), p.event());
        if (seen.kind() == InboundEventLog.Kind.REDELIVERY) {
            return null;
        }
        if (seen.kind() == InboundEventLog.Kind.REUSED) {
            return rejected(record, approvalId, TicketEventListener.reused(p.event(), seen), Map.of());
        }
        if (approvals.find(approvalId).isEmpty()) {
            return rejected(
                    record, approvalId, new InvalidEventException("data.approvalId", "unknown approval"), Map.of());
        }
        ApprovalAssertion assertion;
        try {
            assertion = verifier.verify(p.decision().assertion(), approvalId);
        } catch (ApprovalRejectedException e) {
            return rejected(record, approvalId, new InvalidEventException("data.assertion", e.reason()), Map.of());
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("assertionId", assertion.assertionId());
        evidence.put("eventSource", p.event().source());
        evidence.put("eventId", p.event().id());
        if (!usedAssertions.use(USED_PREFIX + assertion.assertionId(), approvalId)) {
            return rejected(
                    record,
                    approvalId,
                    new InvalidEventException("data.assertion", "assertion already used"),
                    evidence);
        }
        evidence.put("ref", USED_PREFIX + assertion.assertionId());
        ApprovalDecisions.Outcome outcome = decisions.decide(
                approvalId,
                assertion.approver(),
                assertion.approved(),
                assertion.justification(),
                CHANNEL,
                RejectedInputAudit.APPROVAL_GATEWAY,
                evidence);
        // a refusal is audited on the activation by ApprovalDecisions; it still goes to the DLT with its reason
        if (outcome instanceof ApprovalDecisions.Outcome.Refused refused) {
            return new InvalidEventException(
                    refused.status() == 403 || refused.status() == 400 ? "data.assertion" : "data.approvalId",
                    refused.error());
        }
        return null;
    }

    private InvalidEventException rejected(
            ConsumerRecord<String, byte[]> record,
            String approvalId,
            InvalidEventException rejection,
            Map<String, Object> evidence) {
        log.warn("Approval decision for {} rejected: {}", approvalId, rejection.getMessage());
        rejections.approvalDecisionRejected(record, approvalId, rejection, evidence);
        return rejection;
    }

    private record Prepared(InboundEvent event, ApprovalDecision decision, InvalidEventException rejection) {}
}
