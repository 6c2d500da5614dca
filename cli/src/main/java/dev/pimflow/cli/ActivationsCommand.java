package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.Status;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pimctl activations} (also {@code pimctl activation}): the orchestrator's activations, through its REST API. */
@Command(
        name = "activations",
        aliases = "activation",
        mixinStandardHelpOptions = true,
        description =
                "List the orchestrator's activations, revoke an active one or ask to extend it, through its REST API "
                        + "(--url, --user, password from env " + Pimctl.PASSWORD_ENV + " or --password-file).",
        subcommands = {
            ActivationsCommand.ListActivations.class,
            ActivationsCommand.Revoke.class,
            ActivationsCommand.Extend.class
        })
class ActivationsCommand extends CommandGroup {
    /** The statuses an activation can have (the orchestrator's store; DESIGN §4 plus {@code requested}). */
    static final List<String> STATUSES = Status.wires();

    /** The longest extension pimctl asks for at once ({@code activations extend --duration}). */
    static final Duration MAX_EXTENSION = dev.pimflow.contracts.ExtensionRequested.MAX_DURATION;

    /** An ISO-8601 time (or epoch seconds) of a JSON field, to the second; "-" when there is none. */
    static String time(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "-";
        }
        Instant t = null;
        if (node.isNumber()) {
            BigDecimal seconds = node.decimalValue();
            t = Instant.ofEpochSecond(seconds.longValue());
        } else {
            t = Events.parseTime(node.asText());
        }
        return t == null ? node.asText() : Events.formatTime(t);
    }

    /** The table of {@code activations list} (also {@code ticket show}): one row per activation, in the given order. */
    static void printTable(PrintWriter out, JsonNode activations) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "TICKET", "PRINCIPAL", "ROLE", "STATUS", "REASON", "END"});
        for (JsonNode a : activations) {
            String role = a.hasNonNull("roleDisplayName") ? text(a, "roleDisplayName") : text(a, "roleDefinitionId");
            rows.add(new String[] {
                text(a, "id"),
                text(a, "ticketNumber"),
                text(a, "principalId"),
                role,
                text(a, "status"),
                text(a, "reason"),
                time(a.get("endDateTime"))
            });
        }
        Table.print(out, rows);
    }

    static String text(JsonNode object, String field) {
        JsonNode v = object.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? "-" : Pimctl.oneLine(v.asText());
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "List activations, newest first: GET /api/activations.",
                "Columns: ID (the activation id, for 'pimctl activation revoke' and 'pimctl audit show'), TICKET (the "
                        + "ticket number), PRINCIPAL, ROLE, STATUS (requested, pending-mfa, denied, active, revoked, failed, "
                        + "cancelled), REASON, END (when the activation ends or ended)."
            })
    static class ListActivations implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--ticket", paramLabel = "<number>", description = "Only this ticket number's activations.")
        String ticket;

        @Option(
                names = "--principal",
                paramLabel = "<objectId>",
                description = "Only this principal's (Entra object id).")
        String principal;

        @Option(
                names = "--status",
                paramLabel = "<status>",
                description =
                        "Only activations with this status: requested, pending-mfa, denied, active, revoked, failed, cancelled.")
        String status;

        @Option(
                names = "--limit",
                paramLabel = "<n>",
                defaultValue = "100",
                description = "At most this many, the newest (default: ${DEFAULT-VALUE}, at most 1000).")
        int limit;

        @Option(
                names = "--json",
                description = "Print each activation as one JSON object per line, with every field of the API.")
        boolean json;

        @Override
        public Integer call() {
            CommandLine cmd = spec.commandLine();
            String t = ticket == null ? null : Inputs.name(cmd, "--ticket", ticket, 100);
            String p = principal == null
                    ? null
                    : Inputs.guid(cmd, "--principal", principal).toLowerCase();
            String s = status == null ? null : status.strip().toLowerCase();
            if (s != null && !STATUSES.contains(s)) {
                throw Inputs.invalid(
                        cmd, "--status", status, "is not a status (one of " + String.join(", ", STATUSES) + ")");
            }
            if (limit < 1 || limit > 1000) {
                throw new ParameterException(cmd, "Invalid value for option '--limit': must be between 1 and 1000");
            }
            ApiClient api = Pimctl.orchestrator(spec);
            JsonNode activations = api.listActivations(t, p, s, limit).body();
            PrintWriter out = cmd.getOut();
            if (json) {
                activations.forEach(a -> out.println(a.toString()));
            } else if (activations.isEmpty()) {
                List<String> filters = new ArrayList<>();
                if (t != null) {
                    filters.add("ticket " + t);
                }
                if (p != null) {
                    filters.add("principal " + p);
                }
                if (s != null) {
                    filters.add("status " + s);
                }
                out.println("No activations" + (filters.isEmpty() ? "" : " with " + String.join(", ", filters)) + " at "
                        + api.base() + ".");
            } else {
                printTable(out, activations);
            }
            out.flush();
            if (activations.size() >= limit) {
                PrintWriter err = cmd.getErr();
                err.println("pimctl: warning: showing the newest " + limit
                        + " activations only; there may be more (raise --limit, or filter)");
                err.flush();
            }
            return Pimctl.EXIT_OK;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Revoke an active activation now: POST /api/activations/<id>/revoke. The orchestrator audits the "
                        + "request with you as the actor, removes the assignment in PIM and publishes activation.revoked "
                        + "(reason manual) on pim.revocations.",
                "Only an active activation can be revoked; find it with 'pimctl activations list --status active'."
            })
    static class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "<id>",
                description = "The activation id (see 'pimctl activations list').")
        String id;

        @Option(
                names = "--reason",
                required = true,
                paramLabel = "<text>",
                description = "Why it is revoked (recorded in the audit trail; at most 500 characters).")
        String reason;

        @Override
        public Integer call() {
            CommandLine cmd = spec.commandLine();
            String activation = Inputs.guid(cmd, "<id>", id).toLowerCase();
            String why = Inputs.text(cmd, "--reason", reason, 500);
            ApiClient api = Pimctl.orchestrator(spec);
            Http.Answer a = api.revoke(activation, why);
            switch (a.status()) {
                case 404 -> throw api.noSuchActivation(activation);
                case 409 ->
                    throw new CliException(ApiClient.error(a) + ": only an active activation can be revoked "
                            + "(see 'pimctl audit show " + activation + "')");
                case 400 ->
                    throw new CliException("the orchestrator refused the revoke request: " + ApiClient.error(a));
                default -> {
                    // 2xx: the revoke is requested; the process does the rest
                }
            }
            PrintWriter out = cmd.getOut();
            out.println("revoke requested for activation " + activation + " (HTTP " + a.status() + ", status "
                    + a.body().path("status").asText(AuditAction.REVOKE_REQUESTED.wire())
                    + "): the orchestrator now removes the assignment in PIM "
                    + "and publishes activation.revoked, reason manual (watch: pimctl events --topic pim.revocations)");
            out.flush();
            return Pimctl.EXIT_OK;
        }
    }

    @Command(
            name = "extend",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Ask to extend an active activation: POST /api/activations/<activationId>/extension. The person then "
                        + "confirms with MFA again, approvers decide again where the role's policy asks, and the "
                        + "orchestrator extends the role in PIM when that holds.",
                "Refused (exit 1, with the orchestrator's reason) when the activation is not active, its ticket is "
                        + "closed, an extension of it is already in progress, or the orchestrator runs in self-activate "
                        + "mode (pim.activation.mode).",
                "Your login (--user) needs the OPERATOR or ADMIN role."
            })
    static class Extend implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "<activationId>",
                description = "The activation id (see 'pimctl activations list --status active').")
        String id;

        @Option(
                names = "--duration",
                required = true,
                paramLabel = "<ISO-8601>",
                description = "How much longer: a positive ISO-8601 duration of at most PT24H, e.g. PT30M or PT1H.")
        String duration;

        @Option(
                names = "--justification",
                paramLabel = "<text>",
                description = "Why more time is needed (optional; at most 500 characters).")
        String justification;

        @Override
        public Integer call() {
            CommandLine cmd = spec.commandLine();
            String activation = Inputs.guid(cmd, "<activationId>", id).toLowerCase();
            String more =
                    Inputs.duration(cmd, "--duration", duration, MAX_EXTENSION).toString();
            String why = justification == null ? null : Inputs.text(cmd, "--justification", justification, 500);
            ApiClient api = Pimctl.orchestrator(spec);
            Http.Answer a = api.extend(activation, more, why);
            switch (a.status()) {
                case 404 -> throw api.noSuchActivation(activation);
                case 409 -> {
                    String reason = a.body().path("reason").asText("");
                    throw new CliException(ApiClient.error(a) + " ("
                            + (reason.isBlank() ? "" : "reason " + Pimctl.oneLine(reason) + "; ")
                            + "see 'pimctl audit show " + activation + "')");
                }
                case 400 ->
                    throw new CliException("the orchestrator refused the extension request: " + ApiClient.error(a));
                default -> {
                    // 2xx: the extension is requested; MFA, approvals and PIM follow in the process
                }
            }
            JsonNode body = a.body();
            String of = body.hasNonNull("activationId") ? text(body, "activationId") : activation;
            PrintWriter out = cmd.getOut();
            out.println("extension " + text(body, "round") + " of activation " + of + " requested ("
                    + text(body, "extensionId")
                    + "): the person confirms with MFA again; approvers decide where the role's policy asks");
            out.flush();
            return Pimctl.EXIT_OK;
        }
    }
}
