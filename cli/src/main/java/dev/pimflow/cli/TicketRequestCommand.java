package dev.pimflow.cli;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pimctl ticket request}: publishes {@code ticket.activation-requested}. */
@Command(
        name = "request",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Ask for a time-bound activation of a role for a ticket: publishes ticket.activation-requested "
                    + "on tickets.events, keyed <ticketSystem>:<ticketNumber>, and prints the event id.",
            "The orchestrator then validates it, sends an MFA challenge (see 'pimctl mfa pending') and activates the role "
                    + "once it is approved."
        })
class TicketRequestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    TicketEventOptions.Ticket ticket;

    @Option(
            names = "--principal",
            required = true,
            paramLabel = "<objectId>",
            description = "Entra object id (GUID) of the user or service principal to activate the role for.")
    String principalId;

    @Option(
            names = "--role",
            required = true,
            paramLabel = "<roleDefinitionId>",
            description = "Role definition (template) id, a GUID, e.g. " + TutorialTenant.USER_ADMINISTRATOR_ROLE_ID
                    + " for User Administrator.")
    String roleDefinitionId;

    @Option(
            names = "--duration",
            required = true,
            paramLabel = "<ISO-8601>",
            description = "How long the activation lasts, e.g. PT5H or PT30M; capped by the role's policy.")
    String duration;

    @Option(
            names = "--justification",
            required = true,
            paramLabel = "<text>",
            description = "Why the access is needed.")
    String justification;

    @Mixin
    TicketEventOptions.TicketSystem ticketSystem;

    @Option(
            names = "--scope",
            paramLabel = "<directoryScopeId>",
            defaultValue = "/",
            description = "Directory scope of the activation (default: ${DEFAULT-VALUE}, the whole tenant).")
    String scope;

    @Mixin
    TicketEventOptions.Publication publication;

    /** The validated {@code data}; a bad value is a usage error naming its option. */
    ActivationRequested data() {
        CommandLine cmd = spec.commandLine();
        return new ActivationRequested(
                ticketSystem.validated(cmd),
                ticket.validated(cmd),
                Inputs.guid(cmd, "--principal", principalId),
                Inputs.guid(cmd, "--role", roleDefinitionId),
                Inputs.scope(cmd, "--scope", scope),
                Inputs.text(cmd, "--justification", justification, 500),
                Inputs.duration(cmd, "--duration", duration));
    }

    /** The structured-mode CloudEvent this command publishes (package-private for tests). */
    byte[] buildEvent() {
        return buildEvent(data());
    }

    private byte[] buildEvent(ActivationRequested data) {
        byte[] event = event(publication.eventId(), data);
        Inputs.contract(
                spec.commandLine(),
                event,
                java.util.Map.of(
                        "data.ticketSystem",
                        "--ticket-system",
                        "data.ticketNumber",
                        "--ticket",
                        "data.principalId",
                        "--principal",
                        "data.roleDefinitionId",
                        "--role",
                        "data.directoryScopeId",
                        "--scope",
                        "data.justification",
                        "--justification",
                        "data.duration",
                        "--duration"),
                java.util.Map.of(
                        "--ticket-system",
                        String.valueOf(ticketSystem.name),
                        "--ticket",
                        String.valueOf(ticket.number),
                        "--justification",
                        String.valueOf(justification),
                        "--scope",
                        String.valueOf(scope)));
        return event;
    }

    /** The structured-mode {@code ticket.activation-requested} CloudEvent; also used by {@code pimctl demo}. */
    static byte[] event(String eventId, ActivationRequested data) {
        return Events.codec().writeInbound(eventId, EventTypes.TICKET_ACTIVATION_REQUESTED, Events.SOURCE, data);
    }

    @Override
    public Integer call() {
        ActivationRequested data = data();
        byte[] event = buildEvent(data);
        publication.publish(data.ticketSystem(), data.ticketNumber(), event);
        return Pimctl.EXIT_OK;
    }
}
