package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pimctl audit}: the hash-chained audit trail (DESIGN §7), through the orchestrator's REST API. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description =
                "Show an activation's audit trail and verify the audit chain, through the orchestrator's REST API "
                        + "(--url, --user, password from env " + Pimctl.PASSWORD_ENV + " or --password-file).",
        subcommands = {AuditCommand.Show.class, AuditCommand.Verify.class})
class AuditCommand extends CommandGroup {
    /** Longest detail value shown in the timeline; --json has them whole. */
    static final int DETAIL_WIDTH = 80;

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Show an activation and its audit trail as a timeline: GET /api/activations/<activationId>.",
                "One line per record, oldest first: SEQ (position in the chain), TIME, ACTOR, ACTION (requested, validated, "
                        + "mfa-challenged, mfa-approved, activated, revoke-requested, revoked, ...), OUTCOME, and the "
                        + "record's details. --json prints the API's answer whole, hashes included."
            })
    static class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "<activationId>",
                description = "The activation (see 'pimctl activations list').")
        String activationId;

        @Option(
                names = "--json",
                description = "Print the answer as it came: {\"activation\": {...}, \"audit\": [...]}, on one line.")
        boolean json;

        @Override
        public Integer call() {
            CommandLine cmd = spec.commandLine();
            String id = Inputs.guid(cmd, "<activationId>", activationId).toLowerCase();
            ApiClient api = Pimctl.orchestrator(spec);
            Http.Answer a = api.activation(id);
            if (a.status() == 404) {
                throw api.noSuchActivation(id);
            }
            PrintWriter out = cmd.getOut();
            if (json) {
                out.println(a.body().toString());
            } else {
                printActivation(out, a.body().path("activation"));
                out.println();
                printTimeline(out, a.body().path("audit"));
            }
            out.flush();
            return Pimctl.EXIT_OK;
        }
    }

    static void printActivation(PrintWriter out, JsonNode a) {
        String role = ActivationsCommand.text(a, "roleDefinitionId");
        if (a.hasNonNull("roleDisplayName")) {
            role = ActivationsCommand.text(a, "roleDisplayName") + " (" + role + ")";
        }
        String status = ActivationsCommand.text(a, "status");
        if (a.hasNonNull("reason")) {
            status += " (" + ActivationsCommand.text(a, "reason") + ")";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Activation", ActivationsCommand.text(a, "id")});
        rows.add(new String[] {
            "  ticket", ActivationsCommand.text(a, "ticketSystem") + " / " + ActivationsCommand.text(a, "ticketNumber")
        });
        rows.add(new String[] {"  principal", ActivationsCommand.text(a, "principalId")});
        rows.add(new String[] {"  role", role + ", scope " + ActivationsCommand.text(a, "directoryScopeId")});
        rows.add(new String[] {"  status", status});
        rows.add(new String[] {
            "  requested",
            ActivationsCommand.time(a.get("createdAt")) + " for " + ActivationsCommand.text(a, "requestedDuration")
        });
        if (a.hasNonNull("startDateTime") || a.hasNonNull("endDateTime")) {
            rows.add(new String[] {
                "  active",
                ActivationsCommand.time(a.get("startDateTime")) + " to " + ActivationsCommand.time(a.get("endDateTime"))
            });
        }
        rows.add(new String[] {"  justification", ActivationsCommand.text(a, "justification")});
        Table.print(out, rows);
    }

    static void printTimeline(PrintWriter out, JsonNode audit) {
        if (audit == null || !audit.isArray() || audit.isEmpty()) {
            out.println("No audit records.");
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SEQ", "TIME", "ACTOR", "ACTION", "OUTCOME", "DETAILS"});
        for (JsonNode r : audit) {
            rows.add(new String[] {
                ActivationsCommand.text(r, "seq"),
                ActivationsCommand.time(r.get("at")),
                ActivationsCommand.text(r, "actor"),
                ActivationsCommand.text(r, "action"),
                ActivationsCommand.text(r, "outcome"),
                details(r.get("details"))
            });
        }
        Table.print(out, rows);
    }

    /** {@code key=value ...}; values with spaces quoted, long ones shortened, nested ones as compact JSON. */
    static String details(JsonNode details) {
        if (details == null || details.isNull() || details.isMissingNode()) {
            return "";
        }
        if (!details.isObject()) {
            return shorten(Pimctl.oneLine(details.isTextual() ? details.asText() : details.toString()));
        }
        StringBuilder line = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = details.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue() == null || e.getValue().isNull()) {
                continue;
            }
            String v = shorten(Pimctl.oneLine(
                    e.getValue().isValueNode()
                            ? e.getValue().asText()
                            : e.getValue().toString()));
            if (v.isEmpty() || v.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"')) {
                v = '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
            }
            line.append(line.length() == 0 ? "" : " ")
                    .append(e.getKey())
                    .append('=')
                    .append(v);
        }
        return line.toString();
    }

    private static String shorten(String v) {
        return v.length() > DETAIL_WIDTH ? v.substring(0, DETAIL_WIDTH - 3) + "..." : v;
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Verify the whole audit chain: GET /api/audit/verify. The orchestrator recomputes every record's "
                        + "hash, an HMAC-SHA256 with a key the database does not hold, over the previous hash and the record, so an "
                        + "edited, deleted or reordered record breaks it; then it compares the chain with the newest checkpoints the "
                        + "orchestrator published to pim.audit, so a rewrite by someone who also holds the key breaks it too (ADR 0005).",
                "Prints 'audit chain intact (N records, ...)' and exits 0, or 'audit chain BROKEN at seq N: <problem>' and exits 3. "
                        + "Lines after it qualify the verdict: records chained before the key, a chain not compared with "
                        + "pim.audit (and why), checkpoints whose MAC does not verify."
            })
    static class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ApiClient api = Pimctl.orchestrator(spec);
            JsonNode v = api.verifyAudit().body();
            if (!v.path("intact").isBoolean()) {
                throw new CliException("GET " + api.base() + "/api/audit/verify answered without 'intact': is "
                        + api.base() + " a pimflow orchestrator? (check --url)");
            }
            PrintWriter out = spec.commandLine().getOut();
            String verdict = verdict(v);
            out.println(verdict);
            notes(v).forEach(out::println);
            out.flush();
            return v.path("intact").asBoolean(false) ? Pimctl.EXIT_OK : Pimctl.EXIT_VERIFICATION_FAILED;
        }
    }

    /**
     * "audit chain intact (N records)", with ", matches the checkpoint of seq S on pim.audit" when it was compared with
     * the witness outside the database, or "audit chain BROKEN at seq N: problem".
     */
    static String verdict(JsonNode v) {
        long n = v.path("recordsChecked").asLong();
        if (v.path("intact").asBoolean(false)) {
            JsonNode w = v.path("witness");
            String witnessed = w.path("checked").asBoolean(false)
                    ? ", matches the checkpoint of seq " + w.path("seq").asText() + " on "
                            + w.path("source").asText("the witness")
                    : "";
            return "audit chain intact (" + n + (n == 1 ? " record" : " records") + witnessed + ")";
        }
        String at =
                v.hasNonNull("firstBadSeq") ? " at seq " + v.get("firstBadSeq").asText() : "";
        String problem =
                v.hasNonNull("problem") ? Pimctl.oneLine(v.get("problem").asText()) : "no problem given";
        return "audit chain BROKEN" + at + ": " + problem;
    }

    /** What qualifies the verdict (ADR 0005); nothing for an answer of an orchestrator that predates the keyed chain. */
    static List<String> notes(JsonNode v) {
        List<String> notes = new ArrayList<>();
        long unkeyed = v.path("recordsUnkeyed").asLong(0);
        if (unkeyed > 0) {
            notes.add("note: record" + (unkeyed == 1 ? " 1 was" : "s 1-" + unkeyed + " were")
                    + " chained before the chain was keyed " + "(plain SHA-256); the keyed chain after them pins them");
        }
        JsonNode w = v.path("witness");
        if (w.isObject()
                && !w.path("checked").asBoolean(false)
                && v.path("intact").asBoolean(false)) {
            String why =
                    w.hasNonNull("problem") ? Pimctl.oneLine(w.get("problem").asText()) : "no reason given";
            notes.add("warning: not compared with the checkpoints outside the database: " + why
                    + " (a rewrite by someone who holds the audit key would not show)");
        }
        int rejected = w.path("checkpointsRejected").asInt(0);
        if (rejected > 0) {
            notes.add("warning: " + rejected + (rejected == 1 ? " checkpoint" : " checkpoints") + " on "
                    + w.path("source").asText("the witness")
                    + " carry a MAC that does not verify: someone without the audit key writes to the topic");
        }
        return notes;
    }
}
