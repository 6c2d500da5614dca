package dev.pimflow.cli;

import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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

    @Option(names = "--ticket", required = true, paramLabel = "<number>", description = "Ticket number, e.g. INC-4711.")
    String ticketNumber;

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

    @Option(
            names = "--ticket-system",
            paramLabel = "<name>",
            defaultValue = TicketCommand.DEFAULT_SYSTEM,
            description = "Ticket system the number belongs to (default: ${DEFAULT-VALUE}).")
    String ticketSystem;

    @Option(
            names = "--scope",
            paramLabel = "<directoryScopeId>",
            defaultValue = "/",
            description = "Directory scope of the activation (default: ${DEFAULT-VALUE}, the whole tenant).")
    String scope;

    @Option(
            names = "--event-id",
            paramLabel = "<id>",
            description =
                    "CloudEvents id (default: a new UUID). Publishing again with the same id is a no-op for the orchestrator.")
    String eventId;

    @Option(
            names = "--topic",
            paramLabel = "<topic>",
            defaultValue = TicketCommand.DEFAULT_TOPIC,
            description = "Topic to publish on (default: ${DEFAULT-VALUE}).")
    String topic;

    /** The validated {@code data}; a bad value is a usage error naming its option. */
    ActivationRequested data() {
        CommandLine cmd = spec.commandLine();
        return new ActivationRequested(
                Inputs.name(cmd, "--ticket-system", ticketSystem, 100),
                Inputs.name(cmd, "--ticket", ticketNumber, 100),
                Inputs.guid(cmd, "--principal", principalId),
                Inputs.guid(cmd, "--role", roleDefinitionId),
                Inputs.scope(cmd, "--scope", scope),
                Inputs.text(cmd, "--justification", justification, 500),
                Inputs.duration(cmd, "--duration", duration));
    }

    String eventId() {
        if (eventId == null) {
            eventId = UUID.randomUUID().toString();
        }
        return Inputs.name(spec.commandLine(), "--event-id", eventId, 200);
    }

    /** The structured-mode CloudEvent this command publishes (package-private for tests). */
    byte[] buildEvent() {
        return buildEvent(data());
    }

    private byte[] buildEvent(ActivationRequested data) {
        byte[] event = event(eventId(), data);
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
                        String.valueOf(ticketSystem),
                        "--ticket",
                        String.valueOf(ticketNumber),
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
        String target = Inputs.topic(spec.commandLine(), "--topic", topic);
        KafkaIo kafka = new KafkaIo(Pimctl.kafka(spec));
        kafka.publishEvent(target, TicketCommand.key(data.ticketSystem(), data.ticketNumber()), event);
        spec.commandLine().getOut().println(eventId());
        spec.commandLine().getOut().flush();
        return Pimctl.EXIT_OK;
    }
}
