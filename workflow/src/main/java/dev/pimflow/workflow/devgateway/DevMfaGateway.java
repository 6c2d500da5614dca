package dev.pimflow.workflow.devgateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.Decision;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.MfaChallenge;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.workflow.config.PimProperties;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * A development MFA gateway, separate from the orchestrator in all but process: it reads {@code pim.mfa.challenges}
 * like a real gateway would, keeps the open challenges, and when a person (REST, pimctl) or a test answers one, signs
 * the decision with the shared HS256 secret and publishes {@code mfa.response}. Not for production.
 */
@Component
@ConditionalOnProperty(name = "pim.mfa.dev-gateway-enabled", havingValue = "true")
public class DevMfaGateway {
    private static final Logger log = LoggerFactory.getLogger(DevMfaGateway.class);
    static final URI SOURCE = URI.create("urn:pimflow:dev-mfa-gateway");

    private final Map<String, MfaChallenge> open = new ConcurrentHashMap<>();
    private final EventCodec codec;
    private final MfaAssertionSigner signer;
    private final KafkaTemplate<String, byte[]> kafka;
    private final String responses;
    private final Clock clock;

    public DevMfaGateway(
            EventCodec codec,
            MfaAssertionSigner signer,
            KafkaTemplate<String, byte[]> kafka,
            PimProperties properties,
            Clock clock) {
        this.codec = codec;
        this.signer = signer;
        this.kafka = kafka;
        this.responses = properties.topics().mfaResponses();
        this.clock = clock;
    }

    @KafkaListener(id = "dev-mfa-gateway", groupId = "pimflow-dev-mfa-gateway", topics = "${pim.topics.mfa-challenges}")
    public void onChallenge(ConsumerRecord<String, byte[]> record) throws IOException {
        JsonNode event = codec.mapper().readTree(record.value());
        MfaChallenge challenge = codec.mapper().treeToValue(event.get("data"), MfaChallenge.class);
        if (challenge.expiresAt() == null || challenge.expiresAt().isAfter(clock.instant())) {
            open.put(challenge.challengeId(), challenge);
            log.info(
                    "Dev MFA gateway: challenge {} for principal {} ({} on ticket {}) awaits an answer",
                    challenge.challengeId(),
                    challenge.principalId(),
                    challenge.roleDisplayName(),
                    challenge.ticketNumber());
        }
    }

    public Collection<MfaChallenge> pending() {
        open.values().removeIf(c -> c.expiresAt() != null && c.expiresAt().isBefore(clock.instant()));
        return open.values();
    }

    public Optional<MfaChallenge> find(String challengeId) {
        return Optional.ofNullable(open.get(challengeId));
    }

    /** Signs and publishes the person's answer. */
    public MfaChallenge answer(String challengeId, boolean approved) {
        MfaChallenge c = open.remove(challengeId);
        if (c == null) {
            throw new IllegalArgumentException("no open challenge " + challengeId);
        }
        String assertion = signer.sign(c.principalId(), c.challengeId(), approved, Duration.ofMinutes(2));
        byte[] value = codec.writeInbound(
                UUID.randomUUID().toString(),
                EventTypes.MFA_RESPONSE,
                SOURCE,
                new MfaResponse(c.challengeId(), assertion));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(responses, c.challengeId(), value);
        record.headers()
                .add(new RecordHeader("content-type", EventCodec.contentType().getBytes(StandardCharsets.UTF_8)));
        try {
            kafka.send(record).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            open.put(challengeId, c);
            throw new IllegalStateException("could not publish the MFA response: " + e.getMessage(), e);
        }
        log.info("Dev MFA gateway: challenge {} {}", challengeId, Decision.of(approved));
        return c;
    }
}
