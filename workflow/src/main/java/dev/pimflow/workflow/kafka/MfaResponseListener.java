package dev.pimflow.workflow.kafka;

import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.workflow.activation.MfaResponses;
import dev.pimflow.workflow.store.InboundEventLog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Set;

/**
 * Consumes {@code pim.mfa.responses}, a poll's records at a time, in one transaction per poll ({@link TransactionalBatch}).
 * A rejected response is audited in a committed transaction and then sent to the DLT with the reason; an accepted one
 * resumes its process instance.
 */
@Component
public class MfaResponseListener {
    private final EventCodec codec;
    private final InboundEventLog inbound;
    private final MfaResponses responses;
    private final TransactionalBatch<Prepared> batch;

    public MfaResponseListener(EventCodec codec, InboundEventLog inbound, MfaResponses responses, TransactionTemplate tx) {
        this.codec = codec;
        this.inbound = inbound;
        this.responses = responses;
        this.batch = new TransactionalBatch<>(tx, this::prepare, this::apply);
    }

    @KafkaListener(id = "mfa-responses", groupId = "pimflow.mfa-responses", topics = "${pim.topics.mfa-responses}",
            concurrency = "${pim.kafka.mfa-consumers:3}", batch = "true")
    public void onMfaResponses(List<ConsumerRecord<String, byte[]>> records) {
        batch.handle(records);
    }

    private Prepared prepare(ConsumerRecord<String, byte[]> record) {
        InboundEvent event = codec.read(record.value(), record.headers(), Set.of(EventTypes.MFA_RESPONSE));
        return new Prepared(event, codec.data(event, MfaResponse.class));
    }

    /** A rejected response is audited in the batch's transaction and then sent to the DLT. */
    private RuntimeException apply(ConsumerRecord<String, byte[]> record, Prepared p) {
        if (!inbound.firstSeen(record.topic(), p.event().id(), p.event().type())) {
            return null;
        }
        return responses.respond(p.response());
    }

    private record Prepared(InboundEvent event, MfaResponse response) {
    }
}
