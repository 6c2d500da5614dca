package dev.pimflow.workflow.support;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plays a ticket system and an MFA gateway from outside the orchestrator: plain Kafka producer, CloudEvents JSON. */
public class TicketSystem implements AutoCloseable {
    public static final String CONTOSO_ICM = "Contoso ICM";
    public static final String ALINE = TutorialTenant.ALINE_ID;
    public static final String BOB = TutorialTenant.BOB_ID;
    public static final String USER_ADMINISTRATOR = TutorialTenant.USER_ADMINISTRATOR_ROLE_ID;
    static final URI SOURCE = URI.create("urn:test:contoso-icm");

    private final KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();

    public TicketSystem(String bootstrapServers) {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** With the client settings of a broker that authenticates (bootstrap servers, security protocol, SASL). */
    public TicketSystem(Map<String, Object> client) {
        Map<String, Object> config = new java.util.HashMap<>(client);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer = new KafkaProducer<>(config);
    }

    public ObjectNode activationRequest(String ticketNumber, String principalId, String duration) {
        ObjectNode data = codec.mapper().createObjectNode();
        data.put("ticketSystem", CONTOSO_ICM);
        data.put("ticketNumber", ticketNumber);
        data.put("principalId", principalId);
        data.put("roleDefinitionId", USER_ADMINISTRATOR);
        data.put("directoryScopeId", "/");
        data.put("justification", "Need to invalidate all app refresh tokens for Contoso users.");
        data.put("duration", duration);
        return data;
    }

    public String requestActivation(String ticketNumber, String principalId, String duration) {
        return send(
                "tickets.events",
                CONTOSO_ICM + ":" + ticketNumber,
                EventTypes.TICKET_ACTIVATION_REQUESTED,
                activationRequest(ticketNumber, principalId, duration));
    }

    public String send(String topic, String key, String type, ObjectNode data) {
        String id = UUID.randomUUID().toString();
        sendWithId(topic, key, id, type, data);
        return id;
    }

    public void sendWithId(String topic, String key, String id, String type, ObjectNode data) {
        sendRaw(topic, key, codec.writeInbound(id, type, SOURCE, data));
    }

    public String closeTicket(String ticketNumber) {
        return closeTicket(CONTOSO_ICM, ticketNumber);
    }

    public String closeTicket(String ticketSystem, String ticketNumber) {
        ObjectNode data = codec.mapper().createObjectNode();
        data.put("ticketSystem", ticketSystem);
        data.put("ticketNumber", ticketNumber);
        data.put("closedAt", OffsetDateTime.now(ZoneOffset.UTC).toString());
        data.put("resolution", "Refresh tokens invalidated.");
        return send("tickets.events", ticketSystem + ":" + ticketNumber, EventTypes.TICKET_CLOSED, data);
    }

    public void respondToChallenge(String challengeId, String assertion) {
        ObjectNode data = codec.mapper().createObjectNode();
        data.put("challengeId", challengeId);
        data.put("assertion", assertion);
        send("pim.mfa.responses", challengeId, EventTypes.MFA_RESPONSE, data);
    }

    public void sendRaw(String topic, String key, String value) {
        sendRaw(topic, key, value.getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
