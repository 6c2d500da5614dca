package dev.pimflow.workflow.kafka;

import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.workflow.activation.MfaOutcome;
import dev.pimflow.workflow.activation.MfaResponseHandler;
import dev.pimflow.workflow.activation.RejectedInputAudit;
import dev.pimflow.workflow.store.InboundEventLog;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Consumes {@code pim.mfa.responses}, a poll's records at a time, in one transaction per poll ({@link TransactionalBatch}).
 * Every rejected response is audited in that transaction and then sent to the DLT with the reason: one that
 * {@link MfaResponseHandler} refused after finding its challenge is audited there, on the activation; the rest (size, format,
 * key, an unknown challenge, an event id reused for other content) by {@link RejectedInputAudit}, which bounds them.
 * An accepted one resumes its process instance.
 */
@Component
public class MfaResponseListener {
    private static final Logger log = LoggerFactory.getLogger(MfaResponseListener.class);

    private final EventCodec codec;
    private final InboundEventLog inbound;
    private final MfaResponseHandler responses;
    private final RejectedInputAudit rejections;
    private final TransactionalBatch<Prepared> batch;

    public MfaResponseListener(
            EventCodec codec,
            InboundEventLog inbound,
            MfaResponseHandler responses,
            TransactionTemplate tx,
            RejectedInputAudit rejections) {
        this.codec = codec;
        this.inbound = inbound;
        this.responses = responses;
        this.rejections = rejections;
        this.batch = new TransactionalBatch<>(tx, this::prepare, this::apply);
    }

    @KafkaListener(
            id = "mfa-responses",
            groupId = "pimflow.mfa-responses",
            topics = "${pim.topics.mfa-responses}",
            concurrency = "${pim.kafka.mfa-consumers}",
            batch = "true")
    public void onMfaResponses(List<ConsumerRecord<String, byte[]>> records) {
        batch.handle(records);
    }

    /** Decodes and checks one record; writes nothing. Bad input is kept as a rejection, to be audited when applied. */
    private Prepared prepare(ConsumerRecord<String, byte[]> record) {
        InboundEvent event;
        MfaResponse response;
        try {
            event = codec.read(record.value(), record.headers(), Set.of(EventTypes.MFA_RESPONSE));
            response = codec.data(event, MfaResponse.class);
        } catch (InvalidEventException e) {
            return new Prepared(null, null, e);
        }
        // the key is the challenge id (DESIGN §3): it is what keeps one challenge's responses on one partition, in
        // order
        if (record.key() == null) {
            return new Prepared(
                    event, response, new InvalidEventException("key", "missing: must be the challenge id of the data"));
        }
        if (!record.key().equals(response.challengeId())) {
            return new Prepared(
                    event, response, new InvalidEventException("key", "must be the challenge id of the data"));
        }
        return new Prepared(event, response, null);
    }

    /** A rejected response is audited in the batch's transaction and then sent to the DLT. */
    private RuntimeException apply(ConsumerRecord<String, byte[]> record, Prepared p) {
        if (p.rejection() != null) {
            rejections.mfaResponseRejected(
                    record, p.response() == null ? null : p.response().challengeId(), p.rejection());
            return p.rejection();
        }
        InboundEventLog.Seen seen = inbound.record(record.topic(), p.event());
        if (seen.kind() == InboundEventLog.Kind.REDELIVERY) {
            return null;
        }
        if (seen.kind() == InboundEventLog.Kind.REUSED) {
            InvalidEventException rejection = TicketEventListener.reused(p.event(), seen);
            log.warn(
                    "MFA response {} from {} reuses the id of an earlier event with other content: rejected",
                    p.event().id(),
                    p.event().source());
            rejections.mfaResponseRejected(record, p.response().challengeId(), rejection);
            return rejection;
        }
        MfaOutcome outcome = responses.respond(p.response());
        // MfaResponseHandler audits the responses it refuses on their activation; one naming no known challenge has
        // none
        if (outcome instanceof MfaOutcome.UnknownChallenge unknown) {
            rejections.mfaResponseRejected(record, p.response().challengeId(), unknown.rejection());
            return unknown.rejection();
        }
        return outcome instanceof MfaOutcome.Rejected rejected ? rejected.rejection() : null;
    }

    private record Prepared(InboundEvent event, MfaResponse response, InvalidEventException rejection) {}
}
