package dev.pimflow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.EventTypes;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pimctl mfa pending}: the challenges on {@code pim.mfa.challenges} that have not expired. */
@Command(
        name = "pending",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "List the MFA challenges that have not expired yet: reads pim.mfa.challenges from the beginning "
                    + "(without a consumer group) up to its current end.",
            "Answer one with 'pimctl mfa approve <challengeId>' or 'pimctl mfa deny <challengeId>'."
        })
class MfaPendingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--wait",
            paramLabel = "<seconds>",
            defaultValue = "5",
            description =
                    "Read for at most this long (default: ${DEFAULT-VALUE}); stops early at the end of the topic.")
    int waitSeconds;

    @Option(names = "--json", description = "Print each challenge's data as one JSON object per line.")
    boolean json;

    @Option(
            names = "--topic",
            paramLabel = "<topic>",
            defaultValue = MfaCommand.CHALLENGES_TOPIC,
            description = "Topic of the challenges (default: ${DEFAULT-VALUE}).")
    String topic;

    @Override
    public Integer call() {
        Inputs.seconds(spec.commandLine(), "--wait", waitSeconds, 3600);
        String source = Inputs.topic(spec.commandLine(), "--topic", topic);
        KafkaIo kafka = new KafkaIo(Pimctl.kafka(spec));
        List<Events.View> events = new ArrayList<>();
        boolean complete =
                kafka.read(source, true, Duration.ofSeconds(waitSeconds), true, r -> events.add(Events.parse(r)));
        List<ObjectNode> pending = pending(events, Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            for (ObjectNode c : pending) {
                out.println(c.toString());
            }
        } else if (pending.isEmpty()) {
            out.println("No pending MFA challenges on " + source + ".");
        } else {
            printTable(out, pending);
        }
        out.flush();
        if (!complete) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("pimctl: warning: stopped reading " + source + " after " + waitSeconds
                    + " s before reaching its end; the list may be incomplete (raise --wait)");
            err.flush();
        }
        return Pimctl.EXIT_OK;
    }

    /**
     * The challenges among {@code events} whose {@code expiresAt} is after {@code now}, soonest to expire first. A
     * challenge published more than once (at-least-once delivery) is listed once.
     */
    static List<ObjectNode> pending(List<Events.View> events, Instant now) {
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        for (Events.View e : events) {
            if (!EventTypes.MFA_CHALLENGE.equals(e.type()) || !(e.data() instanceof ObjectNode data)) {
                continue;
            }
            String id = e.text("challengeId");
            Instant expiresAt = Events.parseTime(e.text("expiresAt"));
            if (id == null || expiresAt == null) {
                continue;
            }
            byId.put(id, data);
        }
        return byId.values().stream()
                .filter(c -> Events.parseTime(c.path("expiresAt").asText()).isAfter(now))
                .sorted(Comparator.comparing(
                        (ObjectNode c) -> Events.parseTime(c.path("expiresAt").asText())))
                .toList();
    }

    /** The latest challenge with this id among {@code events}, expired or not; null if there is none. */
    static ObjectNode find(List<Events.View> events, String challengeId) {
        ObjectNode found = null;
        for (Events.View e : events) {
            if (EventTypes.MFA_CHALLENGE.equals(e.type())
                    && e.data() instanceof ObjectNode data
                    && challengeId.equalsIgnoreCase(e.text("challengeId"))) {
                found = data;
            }
        }
        return found;
    }

    static void printTable(PrintWriter out, List<ObjectNode> challenges) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"CHALLENGE", "PRINCIPAL", "ROLE", "TICKET", "EXPIRES"});
        for (ObjectNode c : challenges) {
            String role = c.hasNonNull("roleDisplayName")
                    ? c.get("roleDisplayName").asText()
                    : c.path("roleDefinitionId").asText("-");
            String ticket = c.path("ticketNumber").asText("-");
            if (c.hasNonNull("ticketSystem")) {
                ticket = c.get("ticketSystem").asText() + ":" + ticket;
            }
            rows.add(new String[] {
                c.path("challengeId").asText(),
                c.path("principalId").asText("-"),
                role,
                ticket,
                Events.formatTime(Events.parseTime(c.path("expiresAt").asText()))
            });
        }
        Table.print(out, rows);
    }
}
