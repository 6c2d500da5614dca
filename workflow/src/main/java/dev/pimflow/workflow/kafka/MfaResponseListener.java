package dev.pimflow.workflow.kafka;

import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.InboundEvent;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.workflow.activation.MfaResponses;
import dev.pimflow.workflow.store.InboundEventLog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.Set;

/**
 * Consumes {@code pim.mfa.responses}. A rejected response is audited in a committed transaction and then sent to the
 * DLT with the reason; an accepted one resumes its process instance.
 */
@Component
public class MfaResponseListener {
    private final EventCodec codec;
    private final InboundEventLog inbound;
    private final MfaResponses responses;
    private final TransactionTemplate tx;

    public MfaResponseListener(EventCodec codec, InboundEventLog inbound, MfaResponses responses, TransactionTemplate tx) {
        this.codec = codec;
        this.inbound = inbound;
        this.responses = responses;
        this.tx = tx;
    }

    @KafkaListener(id = "mfa-responses", groupId = "pimflow.mfa-responses", topics = "${pim.topics.mfa-responses}",
            concurrency = "${pim.kafka.mfa-consumers:3}")
    public void onMfaResponse(ConsumerRecord<String, byte[]> record) {
        InboundEvent event = codec.read(record.value(), record.headers(), Set.of(EventTypes.MFA_RESPONSE));
        MfaResponse response = codec.data(event, MfaResponse.class);
        InvalidEventException rejection = tx.execute(status -> {
            if (!inbound.firstSeen(record.topic(), event.id(), event.type())) {
                return null;
            }
            return responses.respond(response);
        });
        if (rejection != null) {
            throw rejection;
        }
    }
}
