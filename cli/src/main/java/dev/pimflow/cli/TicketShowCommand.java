package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pimctl ticket show}: a ticket as the orchestrator knows it (DESIGN §9.2), through its REST API. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Show a ticket as the orchestrator knows it from tickets.events, and the activations requested for it: "
                    + "GET /api/tickets?system=<ticketSystem>&number=<number> (--url, --user, password from env "
                    + Pimctl.PASSWORD_ENV + " or --password-file).",
            "First the ticket: state (open or closed), title, priority, assignees, when it was opened, assigned, closed "
                    + "and reopened, and the last event seen. Then its activations, as 'pimctl activations list' shows "
                    + "them. --json prints the API's answer whole."
        })
class TicketShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TicketEventOptions.Number ticket;

    @Mixin
    TicketEventOptions.SystemName ticketSystem;

    @Option(
            names = "--json",
            description =
                    "Print the answer as it came: {\"ticket\": {...} or null, \"activations\": [...]}, on one line.")
    boolean json;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        String number = ticket.validated(cmd);
        String system = ticketSystem.validated(cmd);
        ApiClient api = Pimctl.orchestrator(spec);
        Http.Answer a = api.ticket(system, number);
        if (a.status() == 404) {
            throw new CliException("no ticket " + number + " of " + system + " at " + api.base()
                    + ": the orchestrator has seen no event of it and no activation request for it (check --system; "
                    + "'pimctl ticket open' publishes one)");
        }
        PrintWriter out = cmd.getOut();
        JsonNode activations = a.body().path("activations");
        if (json) {
            out.println(a.body().toString());
        } else {
            printTicket(out, system, number, a.body().path("ticket"));
            out.println();
            if (!activations.isArray() || activations.isEmpty()) {
                out.println("No activations for this ticket.");
            } else {
                ActivationsCommand.printTable(out, activations);
            }
        }
        out.flush();
        return Pimctl.EXIT_OK;
    }

    static void printTicket(PrintWriter out, String system, String number, JsonNode t) {
        if (t == null || !t.isObject()) {
            out.println("Ticket " + number + " (" + system + "): no ticket event seen, only activation requests "
                    + "(state unknown)");
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {
            "Ticket",
            ActivationsCommand.text(t, "ticketNumber") + " (" + ActivationsCommand.text(t, "ticketSystem") + ")"
        });
        rows.add(new String[] {"  state", ActivationsCommand.text(t, "state")});
        rows.add(new String[] {"  title", ActivationsCommand.text(t, "title")});
        rows.add(new String[] {"  priority", ActivationsCommand.text(t, "priority")});
        rows.add(new String[] {"  assignees", assignees(t.get("assignees"))});
        rows.add(new String[] {"  opened", ActivationsCommand.time(t.get("openedAt"))});
        rows.add(new String[] {"  assigned", ActivationsCommand.time(t.get("assignedAt"))});
        rows.add(new String[] {"  closed", ActivationsCommand.time(t.get("closedAt"))});
        rows.add(new String[] {"  reopened", ActivationsCommand.time(t.get("reopenedAt"))});
        rows.add(new String[] {
            "  last event",
            ActivationsCommand.text(t, "lastEventId") + " at " + ActivationsCommand.time(t.get("updatedAt"))
        });
        Table.print(out, rows);
    }

    /** The assignees, comma-separated; "none" for an empty list. */
    private static String assignees(JsonNode list) {
        if (list == null || !list.isArray()) {
            return "-";
        }
        if (list.isEmpty()) {
            return "none";
        }
        List<String> ids = new ArrayList<>();
        list.forEach(id -> ids.add(Pimctl.oneLine(id.asText())));
        return String.join(", ", ids);
    }
}
