package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pimctl events}: one line per event of a topic. */
@Command(
        name = "events",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print the events of a topic, one line each: time, type, and the interesting data fields "
                    + "(status, reason, activationId, ticketNumber, ...).",
            "Without --from-beginning only events published from now on are shown. Topics: pim.activations, "
                    + "pim.revocations, pim.mfa.challenges, pim.mfa.responses, pim.audit, tickets.events."
        })
class EventsCommand implements Callable<Integer> {
    /** The data fields worth a glance, in the order they are printed. */
    static final List<String> FIELDS = List.of(
            "status", "reason", "activationId", "ticketNumber", "challengeId", "principalId", "action", "outcome");

    /** The longest type of DESIGN §4, ticket.activation-requested, so the fields line up. */
    private static final int TYPE_WIDTH = 27;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--topic",
            paramLabel = "<topic>",
            defaultValue = "pim.activations",
            description = "Topic to read (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest event instead of now.")
    boolean fromBeginning;

    @Option(
            names = "--wait",
            paramLabel = "<seconds>",
            defaultValue = "10",
            description = "Read for this long, then stop (default: ${DEFAULT-VALUE}); 0 with --from-beginning reads "
                    + "up to the current end of the topic and stops.")
    int waitSeconds;

    @Option(names = "--ticket", paramLabel = "<number>", description = "Only events whose data.ticketNumber is this.")
    String ticketNumber;

    @Option(names = "--json", description = "Print each event whole, as one CloudEvents JSON object per line.")
    boolean json;

    @Override
    public Integer call() {
        Inputs.seconds(spec.commandLine(), "--wait", waitSeconds, 86_400);
        String source = Inputs.topic(spec.commandLine(), "--topic", topic);
        String ticket = ticketNumber == null ? null : Inputs.name(spec.commandLine(), "--ticket", ticketNumber, 100);
        KafkaIo kafka = new KafkaIo(Pimctl.kafka(spec));
        PrintWriter out = spec.commandLine().getOut();
        AtomicInteger printed = new AtomicInteger();
        boolean stopAtEnd = fromBeginning && waitSeconds == 0;
        Duration wait = stopAtEnd ? Pimctl.kafka(spec).timeout() : Duration.ofSeconds(waitSeconds);
        kafka.read(source, fromBeginning, wait, stopAtEnd, r -> {
            Events.View e = Events.parse(r);
            if (ticket != null && !ticket.equals(e.text("ticketNumber"))) {
                return;
            }
            out.println(json ? jsonLine(e) : line(e));
            out.flush();
            printed.incrementAndGet();
        });
        if (printed.get() == 0 && !json) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("pimctl: no events on " + source + (ticket == null ? "" : " for ticket " + ticket)
                    + (fromBeginning ? "" : " within " + waitSeconds + " s (use --from-beginning for earlier ones)"));
            err.flush();
        }
        return Pimctl.EXIT_OK;
    }

    /** {@code <time>  <type>  field=value ...}; values with spaces are quoted. */
    static String line(Events.View e) {
        StringBuilder line = new StringBuilder(Events.formatTime(e.time())).append("  ");
        if (e.envelope() == null) {
            String raw = Pimctl.oneLine(e.raw());
            return line.append(String.format("%-" + TYPE_WIDTH + "s", "(not a CloudEvent)"))
                    .append("  ")
                    .append(raw.length() > 120 ? raw.substring(0, 120) + "..." : raw)
                    .toString();
        }
        line.append(String.format("%-" + TYPE_WIDTH + "s", e.type()));
        for (String field : FIELDS) {
            JsonNode v = e.data().get(field);
            if (v != null && !v.isNull() && !v.isContainerNode()) {
                line.append("  ").append(field).append('=').append(quote(Pimctl.oneLine(v.asText())));
            }
        }
        return line.toString().stripTrailing();
    }

    static String jsonLine(Events.View e) {
        return e.envelope() != null
                ? e.envelope().toString()
                : Events.mapper().createObjectNode().put("raw", e.raw()).toString();
    }

    private static String quote(String v) {
        if (v.isEmpty() || v.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"')) {
            return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        return v;
    }
}
