package dev.pimflow.cli;

import static dev.pimflow.cli.PimctlUsageTest.PRINCIPAL;
import static dev.pimflow.cli.PimctlUsageTest.ROLE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventCodec;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.MfaChallenge;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/** How pimctl reads what the orchestrator publishes: challenges for {@code mfa pending}, event lines for {@code events}. */
class EventReadingTest {
    private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
    private final EventCodec codec = new EventCodec();

    private ConsumerRecord<String, byte[]> record(String type, Object data) {
        return new ConsumerRecord<>("t", 0, 0, "k", codec.write("id-" + System.nanoTime(), type, null, data));
    }

    private ConsumerRecord<String, byte[]> challenge(String id, String ticket, Instant expiresAt) {
        return record(
                EventTypes.MFA_CHALLENGE,
                new MfaChallenge(
                        id,
                        "act-" + id,
                        PRINCIPAL,
                        ROLE,
                        "User Administrator",
                        "Contoso ICM",
                        ticket,
                        expiresAt,
                        "http://localhost:8080/confirm/" + id));
    }

    @Test
    void pendingListsUnexpiredChallengesOnceEach() {
        List<Events.View> events = List.of(
                        challenge("c-expired", "INC-1", NOW.minusSeconds(1)),
                        challenge("c-later", "INC-2", NOW.plusSeconds(600)),
                        challenge("c-soon", "INC-3", NOW.plusSeconds(60)),
                        challenge("c-soon", "INC-3", NOW.plusSeconds(60)), // redelivered
                        record(EventTypes.ACTIVATION_STATUS, Map.of("status", "active")),
                        new ConsumerRecord<>("t", 0, 5, "k", "garbage".getBytes(StandardCharsets.UTF_8)))
                .stream()
                .map(Events::parse)
                .toList();

        List<ObjectNode> pending = MfaPendingCommand.pending(events, NOW);

        assertThat(pending).extracting(c -> c.get("challengeId").asText()).containsExactly("c-soon", "c-later");
        assertThat(MfaPendingCommand.find(events, "c-expired")).isNotNull();
        assertThat(MfaPendingCommand.find(events, "c-none")).isNull();

        StringWriter table = new StringWriter();
        MfaPendingCommand.printTable(new PrintWriter(table, true), pending);
        String[] lines = table.toString().split("\\R");
        assertThat(lines[0]).startsWith("CHALLENGE").contains("PRINCIPAL", "ROLE", "TICKET", "EXPIRES");
        assertThat(lines[1])
                .startsWith("c-soon")
                .contains(PRINCIPAL, "User Administrator", "Contoso ICM:INC-3", "2025-06-01T10:01:00Z");
    }

    @Test
    void eventLineShowsTimeTypeAndTheInterestingFields() {
        var record = record(
                EventTypes.ACTIVATION_STATUS,
                Map.of(
                        "activationId",
                        "a-1",
                        "ticketNumber",
                        "INC-4711",
                        "status",
                        "denied",
                        "reason",
                        "duration exceeds the policy maximum",
                        "pimRequestId",
                        "p-9"));

        String line = EventsCommand.line(Events.parse(record));

        assertThat(line)
                .matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z  activation\\.status .*")
                .contains(
                        "status=denied",
                        "reason=\"duration exceeds the policy maximum\"",
                        "activationId=a-1",
                        "ticketNumber=INC-4711")
                .doesNotContain("pimRequestId");
    }

    @Test
    void binaryModeAndNonEventsAreReadToo() {
        var binary = new ConsumerRecord<String, byte[]>(
                "t", 0, 0, "k", "{\"status\":\"revoked\",\"ticketNumber\":\"INC-1\"}".getBytes(StandardCharsets.UTF_8));
        binary.headers().add(new RecordHeader("ce_type", "activation.status".getBytes(StandardCharsets.UTF_8)));
        binary.headers().add(new RecordHeader("ce_time", "2025-06-01T10:00:00Z".getBytes(StandardCharsets.UTF_8)));
        Events.View view = Events.parse(binary);
        assertThat(view.type()).isEqualTo("activation.status");
        assertThat(EventsCommand.line(view))
                .isEqualTo("2025-06-01T10:00:00Z  activation.status            status=revoked  ticketNumber=INC-1");

        var junk =
                new ConsumerRecord<String, byte[]>("t", 0, 0, "k", "not json\nat all".getBytes(StandardCharsets.UTF_8));
        assertThat(EventsCommand.line(Events.parse(junk))).contains("(not a CloudEvent)", "not json at all");
    }
}
