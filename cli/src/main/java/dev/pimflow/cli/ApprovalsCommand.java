package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pimctl approvals}: the approvals a role's PIM policy asks for before an activation or an extension, through
 * the orchestrator's REST API. pimctl only checks the shape of what it sends (an approval id, a justification's length);
 * who may decide, and whether a justification is required, is the server's call (the role's policy), so its refusal is
 * shown as it gives it.
 */
@Command(
        name = "approvals",
        aliases = "approval",
        mixinStandardHelpOptions = true,
        description =
                "List the approvals the roles' policies ask for, and approve or deny one, through the orchestrator's "
                        + "REST API (--url, --user, password from env " + Pimctl.PASSWORD_ENV + " or --password-file).",
        subcommands = {ApprovalsCommand.ListApprovals.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Deny.class
        })
class ApprovalsCommand extends CommandGroup {
    /** The longest justification the orchestrator records (as for a request's or a revoke's). */
    static final int JUSTIFICATION_MAX = 500;

    /** The table of {@code approvals list}: one row per approval, in the order the API gives them. */
    static void printTable(PrintWriter out, JsonNode approvals) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "TICKET", "PRINCIPAL", "ROLE", "STAGE", "PURPOSE", "STATUS", "DUE"});
        for (JsonNode a : approvals) {
            rows.add(new String[] {
                ActivationsCommand.text(a, "approvalId"),
                ActivationsCommand.text(a, "ticketNumber"),
                ActivationsCommand.text(a, "principalId"),
                role(a),
                stage(a),
                ActivationsCommand.text(a, "purpose"),
                ActivationsCommand.text(a, "status"),
                ActivationsCommand.time(a.get("dueAt"))
            });
        }
        Table.print(out, rows);
    }

    static String role(JsonNode a) {
        return a.hasNonNull("roleDisplayName")
                ? ActivationsCommand.text(a, "roleDisplayName")
                : ActivationsCommand.text(a, "roleDefinitionId");
    }

    /** {@code k/n}: the stage being decided of the policy's stages. */
    static String stage(JsonNode a) {
        return ActivationsCommand.text(a, "stage") + "/" + ActivationsCommand.text(a, "stages");
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "List the pending approvals (with --all: every approval): GET /api/approvals?status=pending|all.",
                "Columns: ID (the approval id, for 'pimctl approvals approve|deny'), TICKET (the ticket number), PRINCIPAL "
                        + "(the requester), ROLE, STAGE (the stage being decided of the policy's stages, k/n), PURPOSE "
                        + "(activation or extension), STATUS (pending, approved, denied, timed-out, cancelled), DUE (when "
                        + "the stage times out)."
            })
    static class ListApprovals implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--all", description = "Every approval, decided ones too, not only the pending ones.")
        boolean all;

        @Option(
                names = "--json",
                description = "Print each approval as one JSON object per line, with every field of the API.")
        boolean json;

        @Override
        public Integer call() {
            CommandLine cmd = spec.commandLine();
            ApiClient api = Pimctl.orchestrator(spec);
            JsonNode approvals = api.listApprovals(all).body();
            PrintWriter out = cmd.getOut();
            if (json) {
                approvals.forEach(a -> out.println(a.toString()));
            } else if (approvals.isEmpty()) {
                out.println("No " + (all ? "" : "pending ") + "approvals at " + api.base() + ".");
            } else {
                printTable(out, approvals);
            }
            out.flush();
            return Pimctl.EXIT_OK;
        }
    }

    /** What approve and deny share: the approval, the justification, the call and what its answers mean. */
    abstract static class Decide implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "<approvalId>",
                description = "The approval (see 'pimctl approvals list').")
        String approvalId;

        @Option(
                names = "--justification",
                paramLabel = "<text>",
                description = "Why (recorded with the decision and in the audit trail; at most 500 characters). "
                        + "Whether one is required is the role's policy's call: the server says so.")
        String justification;

        /** approve or deny, as the API names the decision. */
        abstract String decision();

        @Override
        public Integer call() {
            CommandLine cmd = spec.commandLine();
            String id = Inputs.guid(cmd, "<approvalId>", approvalId).toLowerCase();
            String why = justification == null
                    ? null
                    : Inputs.text(cmd, "--justification", justification, JUSTIFICATION_MAX);
            ApiClient api = Pimctl.orchestrator(spec);
            Http.Answer a = api.decide(id, decision(), why);
            switch (a.status()) {
                case 404 -> throw api.noSuchApproval(id);
                case 409 ->
                    throw new CliException(ApiClient.error(a) + ": only a pending approval can be decided "
                            + "(see 'pimctl approvals list --all')");
                case 403 ->
                    throw new CliException("the orchestrator at " + api.base() + " does not let user '" + api.user()
                            + "' decide approval " + id + " (403 Forbidden): " + ApiClient.error(a));
                case 400 -> throw new CliException("the orchestrator refused the decision: " + ApiClient.error(a));
                default -> {
                    // 200: the decision is recorded; the approval as it is now
                }
            }
            JsonNode approval = a.body();
            PrintWriter out = cmd.getOut();
            out.println(
                    "decision " + decision() + " recorded for approval " + id + " (HTTP " + a.status() + "): status "
                            + ActivationsCommand.text(approval, "status") + ", stage " + stage(approval) + ", "
                            + ActivationsCommand.text(approval, "purpose") + " of activation "
                            + ActivationsCommand.text(approval, "activationId") + " (ticket "
                            + ActivationsCommand.text(approval, "ticketNumber") + ", " + role(approval) + ")");
            out.flush();
            return Pimctl.EXIT_OK;
        }
    }

    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Approve a pending approval's current stage: POST /api/approvals/<approvalId>/decision.",
                "Your login (--user) needs the APPROVER or ADMIN role, and its identity in the directory must be one of "
                        + "the stage's approvers and not the requester. The role's policy may require a justification."
            })
    static class Approve extends Decide {
        @Override
        String decision() {
            return "approve";
        }
    }

    @Command(
            name = "deny",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Deny a pending approval: POST /api/approvals/<approvalId>/decision. The activation is then denied "
                        + "(reason approval-denied).",
                "Your login (--user) needs the APPROVER or ADMIN role, and its identity in the directory must be one of "
                        + "the stage's approvers and not the requester. The role's policy may require a justification."
            })
    static class Deny extends Decide {
        @Override
        String decision() {
            return "deny";
        }
    }
}
