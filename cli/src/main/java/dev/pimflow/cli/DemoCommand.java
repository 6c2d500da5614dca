package dev.pimflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.contracts.ActivationRequested;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.contracts.TicketClosed;
import dev.pimflow.contracts.seed.DevelopmentPagerDuty;
import dev.pimflow.contracts.seed.TutorialTenant;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.Charset;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pimctl demo}: the README walkthrough's story, played against a running orchestrator (the embedded default) from
 * outside its JVM, as a ticket system, an MFA gateway and an auditor would: request, MFA challenge and signed approval,
 * activation (seen in the Graph simulator), ticket closure, revocation (gone from Graph), audit chain verified. Every
 * step is printed with the time elapsed; a step that fails ends the demo with one line saying which step and what to check.
 *
 * <p>The ticket number is unique per run, so a demo never meets a live activation of an earlier one; when a demo stops
 * after its request (a failed step, Ctrl-C) it closes its ticket, so nothing it started stays pending or active.
 *
 * <p>{@code --via pagerduty} tells the ticket system's part as PagerDuty would (issue 14): signed V3 webhooks to the
 * orchestrator's {@code /webhooks/pagerduty} ({@link PagerDutyIncident}): the incident triggered, Aline's acknowledgement
 * (which the orchestrator's rule for the service turns into the activation request), and its resolution (which closes
 * the ticket). The embedded default's development PagerDuty configuration answers them with nothing to configure.
 *
 * <p>{@code --approval} plays the story with an approver (issue 15): Aline asks for the seed's approval role, whose
 * policy asks Nora Lindqvist; after the MFA the activation waits, and the demo approves it as Nora over the REST API,
 * with a login it makes for her ({@link ApproverLogin}) before anything is published, so that a refusal there leaves
 * nothing behind.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Play the walkthrough's story against a running orchestrator (the embedded default), step by step, "
                    + "with a timeline.",
            "The steps (as in the README's walkthrough):",
            "  1. Aline (" + TutorialTenant.ALINE_ID
                    + ") holds no User Administrator assignment in the Graph simulator;",
            "  2. the ticket system asks for User Administrator for her (ticket.activation-requested on tickets.events, "
                    + "ticket system Contoso ICM, the tutorial's justification);",
            "  3. the MFA challenge arrives on pim.mfa.challenges and is approved with a signed assertion, as "
                    + "'pimctl mfa approve' does (env PIM_MFA_SHARED_SECRET, else the development secret);",
            "  4. activation.status active arrives on pim.activations, and Graph shows the assignment;",
            "  5. after --close-after the ticket closes (ticket.closed); activation.revoked (reason ticket-closed) "
                    + "arrives on pim.revocations, and the assignment is gone from Graph;",
            "  6. the activation's audit trail and the whole audit chain are checked over the REST API.",
            "--via pagerduty tells steps 2 and 5 as PagerDuty does: signed V3 webhooks to <url>/webhooks/pagerduty "
                    + "(incident.triggered assigned to Aline, incident.acknowledged by her, which the orchestrator's rule "
                    + "for the service turns into the request, incident.resolved), signed with the development secret of "
                    + "the embedded default's development PagerDuty configuration; the ticket is the incident's number.",
            "--approval plays it with an approver: Aline asks for " + DemoCommand.APPROVAL_ROLE_NAME + " ("
                    + DemoCommand.APPROVAL_ROLE
                    + "), whose policy in the Graph simulator asks Nora Lindqvist (" + DemoCommand.NORA_ID
                    + ") to approve. Before "
                    + "anything is published, the demo makes sure login '" + DemoCommand.NORA_LOGIN
                    + "' exists for Nora through "
                    + "engine REST (as --user, the admin): e-mail " + DemoCommand.NORA_UPN + ", member of "
                    + ApproverLogin.GROUP + ", a fresh random password each run (never printed). After the MFA "
                    + "approval it waits for approval.requested on pim.approvals, lists the pending approvals as '"
                    + DemoCommand.NORA_LOGIN + "' (GET /api/approvals) and approves as her with a justification (POST "
                    + "/api/approvals/<id>/decision); steps 5 to 7 are steps 4 to 6 above.",
            "Needs Kafka (--bootstrap-servers), the REST API (--url, --user, env PIM_ADMIN_PASSWORD or --password-file) "
                    + "and the Graph simulator (--graph-base-url). --timeout bounds each step's wait (default here: 60s).",
            "The default ticket number is the tutorial's with a random suffix, so runs do not collide; if the demo stops "
                    + "after its request (a failed step, Ctrl-C), it closes its ticket so that nothing stays active.",
            "Exit code 0 when the story completes, 1 when a step fails (the error line names the step and what to check)."
        })
class DemoCommand implements Callable<Integer> {
    static final String TUTORIAL_TICKET = "CONTOSO:Security-012345";
    static final String TICKET_SYSTEM = TicketCommand.DEFAULT_SYSTEM;
    static final String ALINE_ID = TutorialCommand.ALINE_ID;
    static final String USER_ADMINISTRATOR = TutorialCommand.USER_ADMINISTRATOR;
    static final String JUSTIFICATION = "Need to invalidate all app refresh tokens for Contoso users.";
    static final String ACTIVATIONS_TOPIC = "pim.activations";
    static final String REVOCATIONS_TOPIC = "pim.revocations";
    static final List<String> WATCHED = List.of(MfaCommand.CHALLENGES_TOPIC, ACTIVATIONS_TOPIC, REVOCATIONS_TOPIC);
    static final String APPROVALS_TOPIC = "pim.approvals";
    static final List<String> WATCHED_WITH_APPROVAL =
            List.of(MfaCommand.CHALLENGES_TOPIC, ACTIVATIONS_TOPIC, APPROVALS_TOPIC, REVOCATIONS_TOPIC);

    /** The Graph simulator's seeded role whose policy requires approval ({@code ContosoTenant.APPROVAL_ROLE_ID}). */
    static final String APPROVAL_ROLE = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";

    static final String APPROVAL_ROLE_NAME = "Privileged Authentication Administrator";
    static final String APPROVAL_JUSTIFICATION =
            "Need to reset the authentication methods of the admins named in the incident.";
    /** Nora Lindqvist, the approval role's one approver in the seed ({@code ContosoTenant.APPROVER_ID}). */
    static final String NORA_ID = "5b0c7e2a-8d4f-4a61-b3e9-7f2c1d6a9e40";
    /** Her user principal name, also her mail: the e-mail of her login, by which the orchestrator knows her. */
    static final String NORA_UPN = "NoraL@" + TutorialTenant.DOMAIN;
    /** The demo's login for Nora (Camunda user ids are letters and digits). */
    static final String NORA_LOGIN = "noral";

    static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(60);
    /** Each single call (Kafka, REST, Graph) waits at most this long, whatever the steps may. */
    static final Duration MAX_CALL_TIMEOUT = Duration.ofSeconds(10);

    static final String VIA_KAFKA = "kafka";
    static final String VIA_PAGERDUTY = "pagerduty";
    /** The orchestrator's {@code pim.webhooks.pagerduty.ticket-system} by default; its answers say the one it uses. */
    static final String PAGERDUTY_SYSTEM = "PagerDuty";

    private static final Set<String> ENDED =
            Set.of(Status.DENIED.wire(), Status.FAILED.wire(), Status.CANCELLED.wire());

    @Spec
    CommandSpec spec;

    @Option(
            names = "--via",
            paramLabel = "<ticket system>",
            defaultValue = VIA_KAFKA,
            description =
                    "How the ticket system speaks: " + VIA_KAFKA + " (CloudEvents on tickets.events, the default) "
                            + "or " + VIA_PAGERDUTY + " (PagerDuty V3 webhooks, signed, to <url>/webhooks/pagerduty).")
    String via;

    @Option(
            names = "--approval",
            description = "Play the story with an approver: Aline asks for " + APPROVAL_ROLE_NAME
                    + ", whose policy asks Nora Lindqvist; the demo makes Nora's login '" + NORA_LOGIN
                    + "' (engine REST, as the admin) and approves as her over the REST API.")
    boolean approval;

    @Option(
            names = "--ticket",
            paramLabel = "<number>",
            description = "Ticket number (default: the tutorial's " + TUTORIAL_TICKET + " with a random suffix, e.g. "
                    + TUTORIAL_TICKET
                    + "-k3f9; with --via pagerduty the incident's number, digits, default random). A ticket that has "
                    + "activations already is refused: the story needs a fresh one.")
    String ticket;

    @Option(
            names = "--duration",
            paramLabel = "<ISO-8601>",
            defaultValue = "PT5H",
            description =
                    "Requested duration (default: ${DEFAULT-VALUE}; the role allows at most PT8H). With --via "
                            + "pagerduty the orchestrator's rule for the service sets it (PT5H in the development configuration).")
    String duration;

    @Option(
            names = "--close-after",
            paramLabel = "<duration>",
            defaultValue = "5s",
            converter = Inputs.ShortDuration.class,
            description =
                    "How long the role stays active before the ticket closes (default: ${DEFAULT-VALUE}; e.g. 0, 30s, 2m).")
    Duration closeAfter;

    @Option(
            names = "--graph-base-url",
            paramLabel = "<url>",
            defaultValue = TutorialCommand.DEFAULT_BASE_URL,
            description = "The Graph simulator the orchestrator uses (default: ${DEFAULT-VALUE}); tokens come from its "
                    + "POST /_simulator/tokens.")
    String graphBaseUrl;

    /** Where the MFA secret is looked up; tests replace it. */
    Map<String, String> environment = System.getenv();
    /** How the demo reaches Kafka; tests replace it. */
    BiFunction<KafkaSettings, List<String>, Bus> buses = DemoCommand::kafkaBus;

    Clock clock = Clock.systemUTC();
    /** Where the approver login's password comes from (--approval). */
    SecureRandom random = new SecureRandom();
    /** ✔ and … marks, or ASCII; null: whatever stdout's encoding can show. Tests set it. */
    Boolean unicode;

    /** What the demo needs of Kafka: publish CloudEvents, and see what is published on the watched topics from now on. */
    interface Bus extends AutoCloseable {
        void publish(String topic, String key, byte[] cloudEvent);

        List<ConsumerRecord<String, byte[]>> poll(Duration max);

        @Override
        void close();
    }

    static Bus kafkaBus(KafkaSettings settings, List<String> topics) {
        KafkaIo kafka = new KafkaIo(settings);
        KafkaIo.Watch watch = kafka.watch(topics);
        return new Bus() {
            @Override
            public void publish(String topic, String key, byte[] cloudEvent) {
                kafka.publishEvent(topic, key, cloudEvent);
            }

            @Override
            public List<ConsumerRecord<String, byte[]>> poll(Duration max) {
                return watch.poll(max);
            }

            @Override
            public void close() {
                watch.close();
            }
        };
    }

    /** A step of the story did not go as the walkthrough says (the step itself is named in the error line). */
    static final class StepFailed extends CliException {
        StepFailed(String message) {
            super(message);
        }
    }

    private record Seen(String topic, Events.View event) {}

    // the run's options, read once
    private String ticketNumber;
    private String ticketSystem = TICKET_SYSTEM;
    /** The PagerDuty incident the story is told with ({@code --via pagerduty}), else null. */
    private PagerDutyIncident incident;

    private Duration requested;
    /** The role Aline asks for: User Administrator, or with --approval the seed's approval role. */
    private String roleId = USER_ADMINISTRATOR;

    private String roleName = "User Administrator";
    private String justification = JUSTIFICATION;
    private List<String> watched = WATCHED;
    /** The REST API as Nora's login (--approval), once made. */
    private ApiClient nora;

    private URI graphBase;
    private Duration stepTimeout;
    private KafkaSettings kafka;
    private MfaAnswerCommand.Secret secret;
    // the run's state
    private Timeline timeline;
    private String step = "preflight";
    private Bus bus;
    private ApiClient api;
    private GraphSimulatorClient graph;
    private final List<Seen> seen = new ArrayList<>();
    private final AtomicBoolean ticketOpen = new AtomicBoolean();
    private String activationId;
    private Thread hook;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        readOptions(cmd);
        PrintWriter out = cmd.getOut();
        timeline = new Timeline(out, System.console() != null, unicode != null ? unicode : unicode());
        printIntro(out);
        hook = new Thread(() -> closeOnInterrupt(cmd), "pimctl-demo-cleanup");
        try {
            story();
        } catch (CliException e) {
            throw stopped(e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // shutting down already, or never added
            }
            if (bus != null) {
                bus.close();
            }
        }
        return Pimctl.EXIT_OK;
    }

    /** Checks the options and sets up the clients: REST API, Graph simulator, Kafka settings and the MFA secret. */
    private void readOptions(CommandLine cmd) {
        boolean pagerDuty = VIA_PAGERDUTY.equals(via);
        if (!pagerDuty && !VIA_KAFKA.equals(via)) {
            throw Inputs.invalid(cmd, "--via", via, "must be " + VIA_KAFKA + " or " + VIA_PAGERDUTY);
        }
        if (pagerDuty && approval) {
            throw Inputs.invalid(
                    cmd,
                    "--via",
                    via,
                    "cannot be combined with --approval: the development PagerDuty rule asks for User Administrator, "
                            + "whose policy needs no approval");
        }
        if (approval) {
            roleId = APPROVAL_ROLE;
            roleName = APPROVAL_ROLE_NAME;
            justification = APPROVAL_JUSTIFICATION;
            watched = WATCHED_WITH_APPROVAL;
        }
        if (pagerDuty) {
            if (matched("--duration")) {
                throw Inputs.invalid(
                        cmd,
                        "--duration",
                        duration,
                        "cannot be chosen with --via pagerduty: the orchestrator's rule for the PagerDuty service sets "
                                + "it (" + DevelopmentPagerDuty.DURATION + " in the development configuration)");
            }
            if (ticket != null && !ticket.strip().matches("[1-9][0-9]{0,8}")) {
                throw Inputs.invalid(
                        cmd,
                        "--ticket",
                        ticket,
                        "is not a PagerDuty incident number (with --via pagerduty: digits, e.g. 4711)");
            }
            ticketNumber = ticket == null
                    ? String.valueOf(ThreadLocalRandom.current().nextInt(100_000, 1_000_000))
                    : ticket.strip();
            ticketSystem = PAGERDUTY_SYSTEM;
            requested = DevelopmentPagerDuty.DURATION;
        } else {
            ticketNumber =
                    ticket == null ? TUTORIAL_TICKET + "-" + suffix() : Inputs.name(cmd, "--ticket", ticket, 100);
            requested = Inputs.duration(cmd, "--duration", duration);
        }
        Inputs.within(cmd, "--close-after", closeAfter, Duration.ZERO, Duration.ofHours(1));
        graphBase = Inputs.httpUrl(cmd, "--graph-base-url", graphBaseUrl, TutorialCommand.DEFAULT_BASE_URL);
        stepTimeout = matched("--timeout") ? Pimctl.callTimeout(spec) : DEFAULT_STEP_TIMEOUT;
        Duration callTimeout = stepTimeout.compareTo(MAX_CALL_TIMEOUT) < 0 ? stepTimeout : MAX_CALL_TIMEOUT;
        kafka = Pimctl.kafka(spec, callTimeout);
        api = Pimctl.orchestrator(spec, callTimeout);
        secret = MfaAnswerCommand.resolveSecret(cmd, null, environment);
        graph = new GraphSimulatorClient(graphBase, new Http(callTimeout));
        if (pagerDuty) {
            incident = new PagerDutyIncident(
                    api.base(),
                    new Http(callTimeout),
                    DevelopmentPagerDuty.SECRET,
                    Integer.parseInt(ticketNumber),
                    clock);
        }
    }

    private void printIntro(PrintWriter out) {
        if (incident != null) {
            out.println("pimctl demo --via pagerduty: the walkthrough's story as PagerDuty incident #" + ticketNumber
                    + " of service " + DevelopmentPagerDuty.SERVICE_NAME + " (" + DevelopmentPagerDuty.SERVICE_ID
                    + ")");
            out.println("  Aline Dupuy (PagerDuty user " + DevelopmentPagerDuty.ALINE_USER_ID + ", " + ALINE_ID
                    + ") acknowledges it; the service's rule asks User Administrator (" + USER_ADMINISTRATOR
                    + ") for her; the incident is resolved " + Http.seconds(closeAfter) + " s after the activation");
            out.println("  webhooks to " + incident.url() + ", signed with the development secret");
        } else if (approval) {
            out.println("pimctl demo --approval: the walkthrough's story with an approver, for ticket " + ticketNumber
                    + " (" + TICKET_SYSTEM + ")");
            out.println(
                    "  Aline Dupuy (" + ALINE_ID + ") asks for " + APPROVAL_ROLE_NAME + " (" + APPROVAL_ROLE + ") for "
                            + requested + "; Nora Lindqvist (" + NORA_ID + ") approves as login '" + NORA_LOGIN
                            + "'; the ticket closes " + Http.seconds(closeAfter) + " s after the activation");
        } else {
            out.println("pimctl demo: the walkthrough's story for ticket " + ticketNumber + " (" + TICKET_SYSTEM + ")");
            out.println("  Aline Dupuy (" + ALINE_ID + ") asks for User Administrator (" + USER_ADMINISTRATOR + ") for "
                    + requested + "; the ticket closes " + Http.seconds(closeAfter) + " s after the activation");
        }
        out.println("  orchestrator " + api.base() + " (user " + api.user() + "), Kafka " + kafka.bootstrapServers()
                + ", Graph " + graphBase + "; each step waits at most " + Http.seconds(stepTimeout) + " s");
        out.println();
        out.flush();
    }

    /** The shutdown hook's work (Ctrl-C after the request went out): close the ticket, say so on stderr. */
    private void closeOnInterrupt(CommandLine cmd) {
        if (closeTicket("pimctl demo interrupted")) {
            PrintWriter err = cmd.getErr();
            err.println("pimctl: demo interrupted: " + closedWhat() + " so that its activation does not stay active");
            err.flush();
        }
    }

    /** A step failed: says so on the timeline, closes the ticket if it is open, and names the step in the error. */
    private CliException stopped(CliException e) {
        timeline.fail(Pimctl.oneLine(e.getMessage()));
        String cleanup = "";
        if (ticketOpen.get()) {
            cleanup = closeTicket("pimctl demo stopped: " + step + " failed")
                    ? " (" + closedWhat() + ": nothing stays active)"
                    : " (closing the ticket failed too: pimctl ticket close --ticket " + ticketNumber
                            + (TICKET_SYSTEM.equals(ticketSystem) ? "" : " --system " + ticketSystem) + ")";
            if (!ticketOpen.get()) {
                timeline.ok(closedWhat() + ", so nothing the demo started stays pending or active");
            }
        }
        return new CliException("demo " + step + " failed: " + e.getMessage() + cleanup, e);
    }

    private void story() {
        JsonNode liveForAline = preflight();
        if (incident != null) {
            webhookAnswers();
        }
        if (approval) {
            approverLogin();
        }
        alineHasNoRoleYet(liveForAline);
        requestActivation();
        String challengeId = awaitMfaChallenge();
        approveMfa(challengeId);
        if (approval) {
            JsonNode requestedApproval = awaitApprovalRequest();
            String approvalId = listPendingApproval(requestedApproval);
            approveAsNora(approvalId);
        }
        awaitActivation();
        closeTicketAfterPause();
        awaitRevocation();
        checkAudit();
        printStoryComplete();
    }

    /**
     * Preflight: the REST API answers and takes the password, before anything is published; the ticket is unused.
     * Returns Aline's live activations, for step 1's hint.
     */
    private JsonNode preflight() {
        step = "preflight (orchestrator REST API)";
        timeline.waiting("checking the orchestrator's REST API");
        JsonNode liveForAline =
                api.listActivations(null, ALINE_ID, Status.ACTIVE.wire(), 10).body();
        // a used ticket would not play the story (a live request is a no-op, a closed ticket is denied), and closing it
        // when the demo stops would end activations the demo did not start
        JsonNode used = api.listActivations(ticketNumber, null, null, 1).body();
        if (!used.isEmpty()) {
            throw new StepFailed("ticket " + ticketNumber + " has been used already (activation "
                    + used.get(0).path("id").asText() + ", "
                    + used.get(0).path("status").asText() + "): run the demo without --ticket, or with a new one");
        }
        timeline.ok("orchestrator answers at " + api.base() + " (user " + api.user() + ")");
        return liveForAline;
    }

    /**
     * Preflight ({@code --via pagerduty}): PagerDuty's ping, signed with the development secret, is verified and
     * answered 202 by the orchestrator's webhook, before anything is published.
     */
    private void webhookAnswers() {
        step = "preflight (PagerDuty webhook)";
        PagerDutyIncident.Delivery ping = deliver(incident::ping);
        if (ping.answer().status() != 202) {
            throw new StepFailed(refused(ping)
                    + ": a verified ping changes nothing and is answered 202: is --url a pimflow orchestrator?");
        }
        timeline.ok("PagerDuty webhook answers at " + incident.url() + " (development signing secret accepted)");
    }

    /** Step 1: Graph shows no assignment of the story's role for Aline. */
    private void alineHasNoRoleYet(JsonNode liveForAline) {
        step = "step 1 (Aline has no role yet)";
        List<JsonNode> before = graph.assignments(roleId);
        if (!before.isEmpty()) {
            String hint = liveForAline.isEmpty()
                    ? "remove it first (it was not made by pimflow; e.g. 'pimctl tutorial --keep-activation' leaves one)"
                    : "revoke it first: pimctl activation revoke "
                            + liveForAline.get(0).path("id").asText() + " --reason \"demo\"";
            throw new StepFailed("Aline already holds " + roleName + " in Graph (assignment "
                    + before.get(0).path("id").asText() + "), so PIM would refuse the demo's activation: " + hint);
        }
        timeline.ok("Graph: Aline holds no " + roleName + " assignment");
    }

    /** Step 2: watch the topics, then publish ticket.activation-requested; from now on the ticket is open. */
    private void requestActivation() {
        step = "step 2 (activation request)";
        timeline.waiting("connecting to Kafka at " + kafka.bootstrapServers());
        bus = buses.apply(kafka, watched);
        timeline.ok("watching " + String.join(", ", watched));
        if (incident != null) {
            requestThroughPagerDuty();
            return;
        }
        String requestEvent = UUID.randomUUID().toString();
        ActivationRequested request =
                new ActivationRequested(TICKET_SYSTEM, ticketNumber, ALINE_ID, roleId, "/", justification, requested);
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C from now on closes the ticket
        ticketOpen.set(true);
        try {
            publishTicketEvent(TicketRequestCommand.event(requestEvent, request));
        } catch (CliException e) {
            ticketOpen.set(false); // nothing was requested
            throw e;
        }
        timeline.ok("activation requested (event " + timeline.abbreviate(requestEvent) + ")");
    }

    /**
     * Step 2 ({@code --via pagerduty}): the incident is triggered, assigned to Aline (ticket.opened), and Aline
     * acknowledges it (ticket.assigned, and the activation request of the service's rule); from the first delivery on
     * the ticket is open.
     */
    private void requestThroughPagerDuty() {
        step = "step 2 (PagerDuty incident)";
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C from now on resolves the incident
        ticketOpen.set(true);
        PagerDutyIncident.Delivery triggered = deliver(incident::triggered);
        if (!triggered.answer().ok()) {
            if (triggered.answer().status() < 500) {
                ticketOpen.set(false); // refused: nothing was published
            }
            throw new StepFailed(refused(triggered) + webhookHint(triggered));
        }
        String ticketName = triggered.answer().body() == null
                ? null
                : triggered.answer().body().path("ticket").asText(null);
        if (ticketName != null && ticketName.endsWith(":" + ticketNumber)) {
            ticketSystem = ticketName.substring(0, ticketName.length() - ticketNumber.length() - 1);
        }
        timeline.ok("incident #" + ticketNumber + " triggered on " + DevelopmentPagerDuty.SERVICE_NAME
                + ", assigned to Aline: ticket " + ticketSystem + " " + ticketNumber + " opened (event "
                + timeline.abbreviate(triggered.eventId()) + ")");
        PagerDutyIncident.Delivery acknowledged = deliver(incident::acknowledged);
        if (!acknowledged.answer().ok()) {
            throw new StepFailed(refused(acknowledged) + webhookHint(acknowledged));
        }
        String request = acknowledged.eventId() + ":activation:" + USER_ADMINISTRATOR;
        if (!acknowledged.published().contains(request)) {
            throw new StepFailed("incident.acknowledged published no activation request: the orchestrator has no rule "
                    + "for PagerDuty service " + DevelopmentPagerDuty.SERVICE_ID
                    + " (pim.webhooks.pagerduty.rules; its development configuration brings one)");
        }
        timeline.ok("Aline acknowledged incident #" + ticketNumber + ": the orchestrator asked for User Administrator "
                + "for her (event " + timeline.abbreviate(acknowledged.eventId()) + ", rule of "
                + DevelopmentPagerDuty.SERVICE_ID + ")");
    }

    /** One webhook delivery; the orchestrator unreachable is said as for the REST API. */
    private PagerDutyIncident.Delivery deliver(java.util.function.Supplier<PagerDutyIncident.Delivery> delivery) {
        try {
            return delivery.get();
        } catch (Http.Unreachable e) {
            throw new StepFailed(
                    e.getMessage().replaceFirst("^cannot reach \\S+", "cannot reach the orchestrator at " + api.base())
                            + ": is it running? (set --url or PIMFLOW_URL)");
        }
    }

    /** What the webhook answered, in one line: {@code POST <url> (incident.acknowledged) answered 422: <error>}. */
    private String refused(PagerDutyIncident.Delivery d) {
        String what = "POST " + incident.url() + " (" + d.eventType() + ") answered "
                + d.answer().status();
        return switch (d.answer().status()) {
            case 404 ->
                what + ": the orchestrator has no PagerDuty webhook: the demo needs the embedded default, "
                        + "whose development PagerDuty configuration answers it (pim.webhooks.pagerduty.dev-demo-enabled; "
                        + "never with the production profile)";
            case 401 ->
                what + " (" + ApiClient.error(d.answer()) + "): the orchestrator has its own "
                        + "pim.webhooks.pagerduty.secrets, which turn the development secret off: unset them "
                        + "(PIM_WEBHOOKS_PAGERDUTY_SECRETS) for the demo";
            default -> what + ": " + ApiClient.error(d.answer());
        };
    }

    /** What to check after a refused incident delivery. */
    private static String webhookHint(PagerDutyIncident.Delivery d) {
        return switch (d.answer().status()) {
            case 422 ->
                " (is Aline's PagerDuty user " + DevelopmentPagerDuty.ALINE_USER_ID
                        + " in pim.webhooks.pagerduty.people, as " + TutorialTenant.ALINE_UPN + "?)";
            case 503 -> " (Kafka or the directory did not answer in time: run the demo again)";
            default -> "";
        };
    }

    /** Step 3: the MFA challenge for Aline arrives; returns its id (and learns the activation's). */
    private String awaitMfaChallenge() {
        step = "step 3 (MFA challenge)";
        timeline.waiting("waiting for the MFA challenge");
        Seen challenge = await(
                "the MFA challenge",
                s -> EventTypes.MFA_CHALLENGE.equals(s.event().type())
                        && ALINE_ID.equalsIgnoreCase(s.event().text("principalId")),
                "no mfa.challenge within " + Http.seconds(stepTimeout)
                        + " s: is the orchestrator running with the development "
                        + "MFA gateway? (pimctl mfa pending; pimctl events --topic pim.activations --from-beginning --ticket "
                        + ticketNumber + ")");
        String challengeId = challenge.event().text("challengeId");
        activationId = challenge.event().text("activationId");
        if (challengeId == null) {
            throw new StepFailed("the mfa.challenge for ticket " + ticketNumber + " has no challengeId");
        }
        String role = challenge.event().text("roleDisplayName");
        timeline.ok("MFA challenge " + timeline.abbreviate(challengeId) + " for "
                + (role == null ? roleName : role)
                + ", expires "
                + Events.formatTime(Events.parseTime(challenge.event().text("expiresAt")))
                + " (activation " + activationId + ")");
        return challengeId;
    }

    /** Step 3: approve the challenge with a signed assertion, as 'pimctl mfa approve' does. */
    private void approveMfa(String challengeId) {
        step = "step 3 (MFA approval)";
        String responseEvent = UUID.randomUUID().toString();
        bus.publish(
                MfaCommand.RESPONSES_TOPIC,
                challengeId,
                MfaAnswerCommand.response(responseEvent, challengeId, ALINE_ID, secret, true, clock));
        timeline.ok("MFA approved: assertion signed for Aline with "
                + (secret.development() ? "the development secret" : "PIM_MFA_SHARED_SECRET") + " (event "
                + timeline.abbreviate(responseEvent) + ")");
    }

    /**
     * Preflight ({@code --approval}): Nora's login exists, with her e-mail, in the approvers group, and a new password,
     * made by the admin through engine REST before anything is published.
     */
    private void approverLogin() {
        step = "preflight (approver login)";
        ApproverLogin.Made made = new ApproverLogin(api, random).ensure(NORA_LOGIN, "Nora", "Lindqvist", NORA_UPN);
        nora = made.api();
        timeline.ok("approver login '" + NORA_LOGIN + "' for Nora Lindqvist (" + NORA_UPN + "): "
                + String.join(", ", made.changes()) + " (engine REST, as " + api.user() + "; password not shown)");
    }

    /** Step 4 ({@code --approval}): after the MFA, approval.requested for the demo's activation asks Nora. */
    private JsonNode awaitApprovalRequest() {
        step = "step 4 (approval request)";
        timeline.waiting("waiting for approval.requested");
        Seen seenEvent;
        try {
            seenEvent = await(
                    "approval.requested",
                    s -> (EventTypes.APPROVAL_REQUESTED.equals(s.event().type())
                                    || (EventTypes.ACTIVATION_STATUS.equals(
                                                    s.event().type())
                                            && Status.ACTIVE.is(s.event().text("status"))))
                            && ours(s),
                    "no approval.requested on " + APPROVALS_TOPIC + " within " + Http.seconds(stepTimeout)
                            + " s after the MFA approval");
        } catch (StepFailed e) {
            throw new StepFailed(e.getMessage() + diagnosis());
        }
        if (!EventTypes.APPROVAL_REQUESTED.equals(seenEvent.event().type())) {
            throw new StepFailed("the activation became active without an approval: the policy of " + APPROVAL_ROLE_NAME
                    + " in the orchestrator's Graph requires none; the demo needs the Graph simulator's seed (is "
                    + "pim.graph.base-url the simulator at --graph-base-url?)");
        }
        JsonNode data = seenEvent.event().data();
        String approvalId = data.path("approvalId").asText(null);
        if (approvalId == null) {
            throw new StepFailed("the approval.requested for ticket " + ticketNumber + " has no approvalId");
        }
        List<String> approvers = new ArrayList<>();
        data.path("approvers").forEach(a -> approvers.add(a.asText()));
        if (approvers.stream().noneMatch(NORA_ID::equalsIgnoreCase)) {
            throw new StepFailed("approval " + approvalId + " asks " + approvers + ", not Nora Lindqvist (" + NORA_ID
                    + "): the policy of " + APPROVAL_ROLE_NAME
                    + " in the orchestrator's Graph is not the simulator's seed");
        }
        timeline.ok("activation pending-approval: approval " + timeline.abbreviate(approvalId) + " (stage "
                + ApprovalsCommand.stage(data) + ") asks Nora Lindqvist, due "
                + ActivationsCommand.time(data.get("dueAt")));
        return data;
    }

    /** Step 4 ({@code --approval}): Nora finds the approval among her pending ones, as 'pimctl approvals list' shows them. */
    private String listPendingApproval(JsonNode requestedApproval) {
        step = "step 4 (pending approvals)";
        String approvalId = requestedApproval.path("approvalId").asText();
        JsonNode pending = nora.listApprovals(false).body();
        JsonNode ours = null;
        for (JsonNode a : pending) {
            if (approvalId.equalsIgnoreCase(a.path("approvalId").asText())) {
                ours = a;
            }
        }
        if (ours == null) {
            throw new StepFailed("GET " + api.base() + "/api/approvals as '" + NORA_LOGIN
                    + "' does not list approval " + approvalId + " as pending (" + pending.size()
                    + " pending): see 'pimctl approvals list --all'" + diagnosis());
        }
        int others = pending.size() - 1;
        timeline.ok("pending approvals as '" + NORA_LOGIN + "' (GET /api/approvals): " + timeline.abbreviate(approvalId)
                + " ticket " + ActivationsCommand.text(ours, "ticketNumber") + ", " + ApprovalsCommand.role(ours)
                + " for Aline for " + ActivationsCommand.text(ours, "duration") + ", stage "
                + ApprovalsCommand.stage(ours) + ", due " + ActivationsCommand.time(ours.get("dueAt"))
                + (others == 0 ? "" : " (and " + others + " other" + (others == 1 ? "" : "s") + ")"));
        return approvalId;
    }

    /** Step 4 ({@code --approval}): Nora approves over the REST API, with the justification her policy requires. */
    private void approveAsNora(String approvalId) {
        step = "step 4 (approver's decision)";
        String why = "Checked ticket " + ticketNumber + ": Aline needs the role for this incident.";
        Http.Answer a = nora.decide(approvalId, "approve", why);
        switch (a.status()) {
            case 403 ->
                throw new StepFailed("login '" + NORA_LOGIN + "' is not taken as Nora (403: " + ApiClient.error(a)
                        + "): the orchestrator knows her by the login's e-mail, " + NORA_UPN
                        + ", in its Graph (pim.graph.base-url: is it --graph-base-url?)");
            case 400 -> throw new StepFailed("the orchestrator refused Nora's decision (400): " + ApiClient.error(a));
            case 404 -> throw nora.noSuchApproval(approvalId);
            case 409 ->
                throw new StepFailed(ApiClient.error(a) + ": it was decided or ended before Nora's decision (pimctl "
                        + "approvals list --all)");
            default -> {
                // 200: the decision is recorded
            }
        }
        timeline.ok("Nora approved " + timeline.abbreviate(approvalId) + " as '" + NORA_LOGIN
                + "' (POST /api/approvals/" + "<id>/decision): status " + ActivationsCommand.text(a.body(), "status")
                + ", \"" + why + "\"");
    }

    /** Step 4: activation.status active arrives, and Graph shows the assignment. */
    private void awaitActivation() {
        step = step(4, "activation");
        timeline.waiting("waiting for activation.status active");
        Seen active;
        try {
            active = await(
                    "activation.status active",
                    s -> EventTypes.ACTIVATION_STATUS.equals(s.event().type())
                            && Status.ACTIVE.is(s.event().text("status"))
                            && ours(s),
                    "no activation.status active within " + Http.seconds(stepTimeout) + " s after the "
                            + (approval ? "approver's decision" : "MFA approval"));
        } catch (StepFailed e) {
            throw new StepFailed(e.getMessage() + diagnosis());
        }
        activationId = active.event().text("activationId") == null
                ? activationId
                : active.event().text("activationId");
        timeline.ok("activation " + activationId + " active until "
                + Events.formatTime(Events.parseTime(active.event().text("endDateTime"))));
        List<JsonNode> assigned = graph.assignments(roleId);
        if (assigned.isEmpty()) {
            throw new StepFailed(
                    "activation.status is active, but Graph at " + graph.base + " shows no " + roleName + " "
                            + "assignment for Aline: does the orchestrator use another Graph (pim.graph.base-url) than --graph-base-url?");
        }
        timeline.ok("Graph: Aline holds " + roleName + " (assignment "
                + assigned.get(0).path("id").asText() + ", scope "
                + assigned.get(0).path("directoryScopeId").asText("/") + ")");
    }

    /** Step 5: after --close-after, the ticket closes. */
    private void closeTicketAfterPause() {
        step = incident != null ? "step 5 (incident resolution)" : step(5, "ticket closure");
        if (!closeAfter.isZero()) {
            timeline.waiting("the incident is resolved; closing the ticket in " + Http.seconds(closeAfter) + " s");
            pause(closeAfter);
        }
        String closeEvent = publishClose("incident resolved (pimctl demo)");
        timeline.ok(
                incident != null
                        ? "incident #" + ticketNumber + " resolved: ticket closed (event "
                                + timeline.abbreviate(closeEvent) + ")"
                        : "ticket closed (event " + timeline.abbreviate(closeEvent) + ")");
    }

    /** Step 5: activation.revoked arrives (reason ticket-closed), and the assignment is gone from Graph. */
    private void awaitRevocation() {
        step = step(5, "revocation");
        timeline.waiting("waiting for activation.revoked");
        Seen revoked;
        try {
            revoked = await(
                    "activation.revoked",
                    s -> EventTypes.ACTIVATION_REVOKED.equals(s.event().type()) && ours(s),
                    "no activation.revoked within " + Http.seconds(stepTimeout) + " s after the ticket closed");
        } catch (StepFailed e) {
            throw new StepFailed(e.getMessage() + diagnosis());
        }
        String reason = revoked.event().text("reason");
        timeline.ok("activation revoked, reason " + reason
                + (Reason.TICKET_CLOSED.is(reason)
                        ? ""
                        : " (the walkthrough expects " + Reason.TICKET_CLOSED.wire()
                                + ": it ended before the ticket closed, "
                                + (Reason.EXPIRED.is(reason) ? "its duration ran out" : "revoked otherwise") + ")"));
        List<JsonNode> after = graph.assignments(roleId);
        if (!after.isEmpty()) {
            throw new StepFailed("activation.revoked arrived, but Graph at " + graph.base
                    + " still shows " + roleName + " for "
                    + "Aline (assignment " + after.get(0).path("id").asText() + "): see the activation in Cockpit and "
                    + "'pimctl audit show " + activationId + "'");
        }
        timeline.ok("Graph: the assignment is gone");
    }

    /** Step 6: the activation's audit trail, and the whole audit chain verified, over the REST API. */
    private void checkAudit() {
        step = step(6, "audit");
        Http.Answer trail = api.activation(activationId);
        if (trail.status() == 404) {
            throw new StepFailed("the REST API knows no activation " + activationId
                    + ": is --url the orchestrator that " + "published the events?");
        }
        List<String> actions = new ArrayList<>();
        trail.body().path("audit").forEach(r -> actions.add(r.path("action").asText()));
        timeline.ok("audit trail: " + actions.size() + (actions.size() == 1 ? " record: " : " records: ")
                + String.join(", ", actions));
        JsonNode verification = api.verifyAudit().body();
        if (!verification.path("intact").asBoolean(false)) {
            throw new StepFailed(AuditCommand.verdict(verification) + " (pimctl audit verify)");
        }
        timeline.ok(AuditCommand.verdict(verification));
    }

    private void printStoryComplete() {
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println("Story complete in " + timeline.elapsed() + ". Look closer:");
        out.println("  pimctl audit show " + activationId);
        if (approval) {
            out.println("  pimctl approvals list --all");
        }
        out.println("  pimctl events --topic pim.activations --from-beginning --wait 0 --ticket " + ticketNumber);
        out.flush();
    }

    /** What closing the demo's ticket is called: closed ticket N, or resolved incident #N ({@code --via pagerduty}). */
    private String closedWhat() {
        return incident != null ? "resolved incident #" + ticketNumber : "closed ticket " + ticketNumber;
    }

    /** Closes the demo's ticket if its request went out and it is not closed yet; whether this call closed it. */
    private boolean closeTicket(String resolution) {
        try {
            return publishClose(resolution) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Publishes ticket.closed once; returns its event id, or null when it was sent already. */
    private String publishClose(String resolution) {
        if (!ticketOpen.compareAndSet(true, false)) {
            return null;
        }
        if (incident != null) {
            // PagerDuty says "resolved" only; the orchestrator's ticket.closed carries its own resolution text
            PagerDutyIncident.Delivery resolved;
            try {
                resolved = deliver(incident::resolved);
            } catch (RuntimeException e) {
                ticketOpen.set(true);
                throw e;
            }
            if (!resolved.answer().ok()) {
                ticketOpen.set(true);
                throw new StepFailed(refused(resolved));
            }
            return resolved.eventId();
        }
        String eventId = UUID.randomUUID().toString();
        TicketClosed closed = new TicketClosed(
                TICKET_SYSTEM, ticketNumber, clock.instant().truncatedTo(ChronoUnit.MILLIS), resolution);
        try {
            publishTicketEvent(TicketCloseCommand.event(eventId, closed));
        } catch (RuntimeException e) {
            ticketOpen.set(true);
            throw e;
        }
        return eventId;
    }

    /** Publishes a CloudEvent of the demo's ticket on the ticket system's topic. */
    private void publishTicketEvent(byte[] cloudEvent) {
        bus.publish(TicketCommand.DEFAULT_TOPIC, TicketCommand.key(TICKET_SYSTEM, ticketNumber), cloudEvent);
    }

    /** An event of the demo's activation (all watched events are of its ticket already). */
    private boolean ours(Seen s) {
        String id = s.event().text("activationId");
        return activationId == null || id == null || activationId.equalsIgnoreCase(id);
    }

    /**
     * Reads the watched topics until an event of the demo's ticket matches {@code wanted}; fails on timeout, and at once
     * when the orchestrator reports the activation denied, failed or cancelled.
     */
    private Seen await(String what, Predicate<Seen> wanted, String timeoutMessage) {
        long start = System.nanoTime();
        long deadline = start + stepTimeout.toNanos();
        while (true) {
            for (Seen s : seen) {
                ended(s);
                if (wanted.test(s)) {
                    timeline.clearProgress();
                    return s;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                timeline.clearProgress();
                throw new StepFailed(timeoutMessage);
            }
            for (ConsumerRecord<String, byte[]> r : bus.poll(
                    Duration.ofNanos(Math.min(left, Duration.ofMillis(250).toNanos())))) {
                Events.View e = Events.parse(r);
                if (ticketNumber.equals(e.text("ticketNumber"))
                        && (e.text("ticketSystem") == null || ticketSystem.equals(e.text("ticketSystem")))) {
                    seen.add(new Seen(r.topic(), e));
                }
            }
            timeline.progress("waiting for " + what, Duration.ofNanos(System.nanoTime() - start), stepTimeout);
        }
    }

    /** Fails the step when the orchestrator ended the activation without it becoming active. */
    private void ended(Seen s) {
        if (!EventTypes.ACTIVATION_STATUS.equals(s.event().type()) || !ours(s)) {
            return;
        }
        String status = s.event().text("status");
        if (!ENDED.contains(status)) {
            return;
        }
        timeline.clearProgress();
        ticketOpen.set(false); // nothing of the demo's is pending or active: no need to close the ticket
        String reason = s.event().text("reason");
        String id = s.event().text("activationId");
        String hint;
        if (reason != null && reason.contains("closed")) {
            hint = "ticket " + ticketNumber + " was closed before: run the demo without --ticket, or with a new one";
        } else if (Reason.MFA_TIMEOUT.is(reason)) {
            hint = "the MFA challenge expired before the approval arrived";
        } else if (Reason.APPROVAL_TIMEOUT.is(reason)) {
            hint = "no approver decided the approval stage in time (pimctl approvals list --all)";
        } else if (Reason.APPROVAL_DENIED.is(reason)) {
            hint = "an approver denied it (pimctl approvals list --all; pimctl audit show " + id + ")";
        } else {
            hint = "see 'pimctl audit show " + id + "'";
        }
        throw new StepFailed("the orchestrator reports the activation " + status
                + (reason == null ? "" : ", reason " + reason) + ": " + hint);
    }

    /** After a timeout: what the activation's audit trail says last, to point at the cause. Best effort. */
    private String diagnosis() {
        if (activationId == null) {
            return "";
        }
        try {
            Http.Answer a = api.activation(activationId);
            JsonNode audit = a.body() == null ? null : a.body().path("audit");
            if (audit == null || !audit.isArray() || audit.isEmpty()) {
                return "";
            }
            JsonNode last = audit.get(audit.size() - 1);
            String action = last.path("action").asText();
            JsonNode d = last.path("details");
            String details = d.hasNonNull("reason")
                    ? Pimctl.oneLine(d.get("reason").asText())
                    : d.hasNonNull("message") ? Pimctl.oneLine(d.get("message").asText()) : AuditCommand.details(d);
            if (AuditAction.MFA_REJECTED.is(action)) {
                return ": the orchestrator rejected the MFA approval (" + details
                        + "): set PIM_MFA_SHARED_SECRET to its " + "pim.mfa.shared-secret";
            }
            if (AuditAction.INCIDENT.is(action)) {
                return ": the process has an incident (" + details + "): see Cockpit";
            }
            return ": the activation's last audit record is " + action + " "
                    + last.path("outcome").asText() + " (pimctl audit show " + activationId + ")";
        } catch (RuntimeException e) {
            return " (pimctl audit show " + activationId + ")";
        }
    }

    private void pause(Duration d) {
        long start = System.nanoTime();
        long end = start + d.toNanos();
        try {
            while (System.nanoTime() < end) {
                Thread.sleep(Math.max(1, Math.min(200, (end - System.nanoTime()) / 1_000_000)));
                timeline.progress("waiting to close the ticket", Duration.ofNanos(System.nanoTime() - start), d);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        } finally {
            timeline.clearProgress();
        }
    }

    /**
     * A step's name as the story numbers it: with {@code --approval} the approval is step 4, so the steps after it
     * come one later than without.
     */
    private String step(int withoutApproval, String what) {
        return "step " + (approval && withoutApproval >= 4 ? withoutApproval + 1 : withoutApproval) + " (" + what + ")";
    }

    private boolean matched(String option) {
        for (CommandLine c = spec.commandLine(); c != null; c = c.getParent()) {
            if (c.getParseResult() != null && c.getParseResult().hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }

    private static String suffix() {
        return Integer.toString(36 * 36 * 36 + ThreadLocalRandom.current().nextInt(35 * 36 * 36 * 36), 36);
    }

    /** Whether stdout can show ✔ and …; else the timeline uses ASCII marks. */
    private static boolean unicode() {
        String name = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
        try {
            Charset cs = name == null ? Charset.defaultCharset() : Charset.forName(name);
            return cs.newEncoder().canEncode("✔…✘");
        } catch (RuntimeException e) {
            return false;
        }
    }
}
