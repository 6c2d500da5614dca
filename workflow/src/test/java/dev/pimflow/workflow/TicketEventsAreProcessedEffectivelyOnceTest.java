package dev.pimflow.workflow;

import static dev.pimflow.contracts.WireValue.wires;
import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.CONTOSO_ICM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * DESIGN §6.4: the same event delivered five times, a second request for a live (ticket, principal, role, scope) with
 * a new id, and a full redelivery of both input topics after the consumer group is rewound, produce one activation.
 */
class TicketEventsAreProcessedEffectivelyOnceTest extends EndToEndTestBase {
    private static final String TICKET = "CONTOSO:Once-1";

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    HistoryService history;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void duplicatesRepeatsAndRedeliveriesProduceOneActivation() throws Exception {
        String eventId = UUID.randomUUID().toString();
        for (int i = 0; i < 5; i++) {
            tickets.sendWithId(
                    "tickets.events",
                    CONTOSO_ICM + ":" + TICKET,
                    eventId,
                    EventTypes.TICKET_ACTIVATION_REQUESTED,
                    tickets.activationRequest(TICKET, ALINE, "PT1H"));
        }
        JsonNode challenge = awaitChallenge(TICKET);
        String activationId = challenge.path("data").path("activationId").asText();

        // a new id for the same live (ticket, principal, role, scope): audited, nothing else
        String repeatId = tickets.requestActivation(TICKET, ALINE, "PT1H");
        await().atMost(WAIT)
                .until(() -> audit.forActivation(activationId).stream()
                        .anyMatch(r -> "duplicate-ignored".equals(r.outcome())));
        AuditRecord repeat = audit.forActivation(activationId).stream()
                .filter(r -> "duplicate-ignored".equals(r.outcome()))
                .findFirst()
                .orElseThrow();
        assertThat(repeat.details()).containsEntry("eventId", repeatId);

        String challengeId = challenge.path("data").path("challengeId").asText();
        tickets.respondToChallenge(challengeId, gateway.sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
        awaitStatus(activationId, Status.ACTIVE);
        // let the (five) duplicates of the request drain completely before taking the baseline
        await().pollDelay(Duration.ofSeconds(1))
                .atMost(WAIT)
                .until(() -> lag("pimflow.ticket-events", "tickets.events") == 0
                        && lag("pimflow.mfa-responses", "pim.mfa.responses") == 0);

        Snapshot before = snapshot(activationId);
        assertThat(before.activations).isEqualTo(1);
        assertThat(before.instances).isEqualTo(1);
        assertThat(before.actions)
                .containsExactlyElementsOf(wires(
                        AuditAction.REQUESTED,
                        AuditAction.VALIDATED,
                        AuditAction.MFA_CHALLENGED,
                        AuditAction.REQUESTED,
                        AuditAction.MFA_APPROVED,
                        AuditAction.ACTIVATED));

        // rewind the consumer group: every ticket event and MFA response ever sent is delivered again
        rewind("ticket-events", "pimflow.ticket-events", "tickets.events");
        rewind("mfa-responses", "pimflow.mfa-responses", "pim.mfa.responses");
        await().atMost(WAIT)
                .until(() -> lag("pimflow.ticket-events", "tickets.events") == 0
                        && lag("pimflow.mfa-responses", "pim.mfa.responses") == 0);

        assertThat(snapshot(activationId)).isEqualTo(before);
        assertThat(topics.events(
                        "pim.activations",
                        e -> activationId.equals(
                                e.path("data").path("activationId").asText())))
                .hasSize(2);

        tickets.closeTicket(TICKET);
        awaitRevoked(activationId);
    }

    record Snapshot(long activations, long instances, List<String> actions) {}

    private Snapshot snapshot(String activationId) {
        return new Snapshot(
                jdbc.queryForObject("SELECT COUNT(*) FROM activation WHERE ticket_number = ?", Long.class, TICKET),
                history.createHistoricProcessInstanceQuery()
                        .processInstanceBusinessKey(TICKET)
                        .count(),
                chainedAudit(activationId).stream().map(AuditRecord::action).collect(Collectors.toList()));
    }

    private void rewind(String listenerId, String group, String topic) throws Exception {
        MessageListenerContainer container = listeners.getListenerContainer(listenerId);
        container.stop();
        await().atMost(WAIT).until(() -> !container.isRunning());
        try (Admin admin = admin()) {
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                int partitions = admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()
                        .size();
                Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
                IntStream.range(0, partitions)
                        .forEach(p -> zero.put(new TopicPartition(topic, p), new OffsetAndMetadata(0)));
                admin.alterConsumerGroupOffsets(group, zero).all().get(10, TimeUnit.SECONDS);
                return true;
            });
        }
        container.start();
    }

    private long lag(String group, String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                    .filter(tp -> tp.topic().equals(topic))
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            if (latest.isEmpty()) {
                return Long.MAX_VALUE;
            }
            var ends = admin.listOffsets(latest).all().get();
            return latest.keySet().stream()
                    .mapToLong(tp -> ends.get(tp).offset() - committed.get(tp).offset())
                    .sum();
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
    }
}
