package dev.pimflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.ActivationRevoked;
import dev.pimflow.contracts.ActivationStatus;
import dev.pimflow.contracts.Decision;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.MfaChallenge;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.pim.simulator.GraphSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pimctl demo} without a running orchestrator: its step errors against unreachable endpoints, its timeouts, and
 * the whole story against a fake REST API, the real Graph simulator, and a fake Kafka that answers as the orchestrator.
 */
class DemoCommandTest {
    static final String ALINE = DemoCommand.ALINE_ID;
    static final String ROLE = DemoCommand.USER_ADMINISTRATOR;

    private static GraphSimulator simulator;
    private FakeOrchestrator api;

    @BeforeAll
    static void startSimulator() {
        simulator = GraphSimulator.start(0);
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @BeforeEach
    void start() {
        simulator.reset();
        api = new FakeOrchestrator();
        api.on("GET", "/api/activations", 200, "[]");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** A Kafka stand-in: records what the demo publishes and hands {@code react} a way to publish the orchestrator's answers. */
    static final class FakeBus implements DemoCommand.Bus {
        record Published(String topic, String key, JsonNode event) {
            String type() {
                return event.path("type").asText();
            }
        }

        final List<Published> published = new CopyOnWriteArrayList<>();
        private final ConcurrentLinkedQueue<ConsumerRecord<String, byte[]>> waiting = new ConcurrentLinkedQueue<>();
        private final BiConsumer<Published, FakeBus> react;
        private long offset;
        volatile boolean closed;

        FakeBus(BiConsumer<Published, FakeBus> react) {
            this.react = react;
        }

        /** Publishes as the orchestrator does (its outbound CloudEvents). */
        void answer(String topic, String key, String type, Object data) {
            byte[] value = Events.codec().write(UUID.randomUUID().toString(), type, key, data);
            waiting.add(new ConsumerRecord<>(topic, 0, offset++, key, value));
        }

        @Override
        public void publish(String topic, String key, byte[] cloudEvent) {
            try {
                Published p = new Published(topic, key, Events.mapper().readTree(cloudEvent));
                published.add(p);
                react.accept(p, this);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public List<ConsumerRecord<String, byte[]>> poll(Duration max) {
            if (waiting.isEmpty()) {
                try {
                    Thread.sleep(Math.min(max.toMillis(), 20));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r; (r = waiting.poll()) != null; ) {
                records.add(r);
            }
            return records;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private CliRun demo(FakeBus bus, String... args) {
        List<String> all = new ArrayList<>(List.of("demo", "--url", api.url()));
        all.addAll(List.of(args));
        if (!all.contains("--graph-base-url")) {
            all.addAll(List.of("--graph-base-url", simulator.baseUrl()));
        }
        return run(FakeOrchestrator.environment(), bus, all.toArray(String[]::new));
    }

    /** pimctl with these arguments, the environment for the REST password, the development MFA secret and ✔ marks. */
    private static CliRun run(Map<String, String> env, FakeBus bus, String... all) {
        return CliRun.run(
                cli -> {
                    ((Pimctl) cli.getCommand()).environment = env;
                    DemoCommand demo =
                            (DemoCommand) cli.getSubcommands().get("demo").getCommand();
                    demo.environment = Map.of();
                    demo.unicode = true;
                    if (bus != null) {
                        demo.buses = (settings, topics) -> {
                            assertThat(topics)
                                    .containsExactly("pim.mfa.challenges", "pim.activations", "pim.revocations");
                            return bus;
                        };
                    }
                },
                all);
    }

    private static void assertStepFailed(CliRun run, String step, String... mentions) {
        assertThat(run.exitCode())
                .as("exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err())
                .isEqualTo(1);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines()[0]).startsWith("pimctl: demo " + step + " failed: ");
        for (String m : mentions) {
            assertThat(run.errLines()[0]).contains(m);
        }
        assertThat(run.out()).containsPattern("(?m)^\\[ *\\d+\\.\\ds] ✘ ");
        assertThat(run.out() + run.err()).doesNotContain(FakeOrchestrator.PASSWORD);
    }

    // ---------------------------------------------------------------- unreachable endpoints, fast

    @Test
    void unreachableOrchestratorFailsThePreflightAtOnce() {
        int port = FakeOrchestrator.closedPort();
        CliRun run = run(
                FakeOrchestrator.environment(),
                null,
                "demo",
                "--url",
                "http://127.0.0.1:" + port,
                "--bootstrap-servers",
                "localhost:1",
                "--timeout",
                "1s",
                "--graph-base-url",
                "http://127.0.0.1:" + port + "/v1.0");

        assertStepFailed(
                run,
                "preflight (orchestrator REST API)",
                "cannot reach the orchestrator at http://127.0.0.1:" + port
                        + " (connection refused): is it running? (set --url or PIMFLOW_URL)");
        assertThat(run.took()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void wrongPasswordFailsThePreflightTellingToSetIt() {
        CliRun run = run(Map.of(Pimctl.PASSWORD_ENV, "nope"), null, "demo", "--url", api.url(), "--timeout", "1s");
        assertStepFailed(run, "preflight (orchestrator REST API)", "401", "set PIM_ADMIN_PASSWORD");
    }

    @Test
    void unreachableGraphFailsStepOne() {
        int port = FakeOrchestrator.closedPort();
        CliRun run = demo(
                null,
                "--graph-base-url",
                "http://127.0.0.1:" + port + "/v1.0",
                "--bootstrap-servers",
                "localhost:1",
                "--timeout",
                "1s");

        assertStepFailed(
                run,
                "step 1 (Aline has no role yet)",
                "cannot reach the Graph simulator at http://127.0.0.1:" + port
                        + "/v1.0 (connection refused): is the orchestrator running with its embedded simulator? (set --graph-base-url)");
        assertThat(run.out()).contains("✔ orchestrator answers at " + api.url()).doesNotContain("activation requested");
    }

    @Test
    void unreachableKafkaFailsStepTwoBeforeAnythingIsPublished() {
        CliRun run = demo(null, "--bootstrap-servers", "localhost:1", "--timeout", "1s");

        assertStepFailed(
                run,
                "step 2 (activation request)",
                "cannot reach Kafka at localhost:1 within 1 s: is the orchestrator running? (set --bootstrap-servers)");
        assertThat(run.out())
                .contains("Graph: Aline holds no User Administrator assignment")
                .doesNotContain("activation requested");
        assertThat(run.took()).isLessThan(Duration.ofSeconds(8));
    }

    // ---------------------------------------------------------------- steps that time out or are refused

    @Test
    void noChallengeTimesOutStepThreeAndClosesTheTicket() {
        FakeBus silent = new FakeBus((p, bus) -> {});

        CliRun run = demo(silent, "--timeout", "1s");

        assertStepFailed(
                run,
                "step 3 (MFA challenge)",
                "no mfa.challenge within 1 s: is the orchestrator running with the "
                        + "development MFA gateway? (pimctl mfa pending",
                "(closed ticket CONTOSO:Security-012345-");
        assertThat(run.out()).contains("✔ activation requested (event ").contains("… waiting for the MFA challenge");
        assertThat(silent.published)
                .extracting(FakeBus.Published::type)
                .containsExactly(EventTypes.TICKET_ACTIVATION_REQUESTED, EventTypes.TICKET_CLOSED);
        FakeBus.Published request = silent.published.get(0);
        FakeBus.Published close = silent.published.get(1);
        assertThat(close.key()).isEqualTo(request.key()).startsWith("Contoso ICM:CONTOSO:Security-012345-");
        assertThat(close.event().path("data").path("resolution").asText()).contains("step 3 (MFA challenge) failed");
        assertThat(silent.closed).isTrue();
        assertThat(run.took()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aDenialFailsAtOnceWithItsReason() {
        String activation = UUID.randomUUID().toString();
        FakeBus denying = new FakeBus((p, bus) -> {
            if (p.type().equals(EventTypes.TICKET_ACTIVATION_REQUESTED)) {
                JsonNode d = p.event().path("data");
                bus.answer(
                        "pim.activations",
                        activation,
                        EventTypes.ACTIVATION_STATUS,
                        new ActivationStatus(
                                activation,
                                d.path("ticketSystem").asText(),
                                d.path("ticketNumber").asText(),
                                ALINE,
                                ROLE,
                                "/",
                                Status.DENIED.wire(),
                                Reason.NOT_ELIGIBLE.wire(),
                                null,
                                null,
                                null));
            }
        });

        CliRun run = demo(denying, "--timeout", "30s");

        assertStepFailed(
                run,
                "step 3 (MFA challenge)",
                "the orchestrator reports the activation denied, reason not-eligible",
                "pimctl audit show " + activation);
        assertThat(run.errLines()[0]).doesNotContain("closed ticket");
        assertThat(denying.published)
                .extracting(FakeBus.Published::type)
                .containsExactly(EventTypes.TICKET_ACTIVATION_REQUESTED);
        assertThat(run.took()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aTicketUsedBeforeIsRefusedBeforeAnythingIsPublished() {
        api.on("GET", "/api/activations", 200, "[{\"id\": \"a-1\", \"status\": \"revoked\"}]");
        FakeBus bus = new FakeBus((p, b) -> {});

        CliRun run = demo(bus, "--ticket", "CONTOSO:Security-012345", "--timeout", "5s");

        assertStepFailed(
                run,
                "preflight (orchestrator REST API)",
                "ticket CONTOSO:Security-012345 has been used already "
                        + "(activation a-1, revoked): run the demo without --ticket, or with a new one");
        assertThat(bus.published).isEmpty();
        assertThat(api.requests)
                .extracting(FakeOrchestrator.Request::query)
                .contains("ticket=CONTOSO%3ASecurity-012345&limit=1");
    }

    @Test
    void aRoleAlreadyHeldStopsTheDemoBeforeItRequestsAnything() throws Exception {
        assign();
        FakeBus bus = new FakeBus((p, b) -> {});

        CliRun run = demo(bus, "--timeout", "5s");

        assertStepFailed(
                run,
                "step 1 (Aline has no role yet)",
                "Aline already holds User Administrator in Graph",
                "remove it first");
        assertThat(bus.published).isEmpty();
    }

    @Test
    void optionsAreCheckedBeforeAnything() {
        for (String[] args : List.of(
                new String[] {"--duration", "5h"},
                new String[] {"--close-after", "soon"},
                new String[] {"--close-after", "2h"},
                new String[] {"--timeout", "0"},
                new String[] {"--ticket", " "},
                new String[] {"--graph-base-url", "localhost:8090"})) {
            CliRun run = demo(null, args);
            assertThat(run.exitCode()).as("%s: %s", List.of(args), run.err()).isEqualTo(2);
            assertThat(run.errLines()).hasSize(1);
            assertThat(run.errLines()[0]).startsWith("pimctl: ").contains("'" + args[0] + "'");
        }
        assertThat(api.requests).isEmpty();
    }

    // ---------------------------------------------------------------- the whole story

    @Test
    void playsTheWholeStory() {
        String activation = UUID.randomUUID().toString();
        String challenge = UUID.randomUUID().toString();
        String[] ticket = new String[1];
        FakeBus orchestrator = new FakeBus((p, bus) -> {
            JsonNode data = p.event().path("data");
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            switch (p.type()) {
                case EventTypes.TICKET_ACTIVATION_REQUESTED -> {
                    ticket[0] = data.path("ticketNumber").asText();
                    assertThat(p.topic()).isEqualTo("tickets.events");
                    assertThat(data.path("principalId").asText()).isEqualTo(ALINE);
                    assertThat(data.path("roleDefinitionId").asText()).isEqualTo(ROLE);
                    assertThat(data.path("justification").asText())
                            .isEqualTo("Need to invalidate all app refresh tokens for Contoso users.");
                    assertThat(data.path("duration").asText()).isEqualTo("PT5H");
                    bus.answer(
                            "pim.activations",
                            activation,
                            EventTypes.ACTIVATION_STATUS,
                            new ActivationStatus(
                                    activation,
                                    "Contoso ICM",
                                    ticket[0],
                                    ALINE,
                                    ROLE,
                                    "/",
                                    Status.PENDING_MFA.wire(),
                                    null,
                                    null,
                                    null,
                                    null));
                    bus.answer(
                            "pim.mfa.challenges",
                            ALINE,
                            EventTypes.MFA_CHALLENGE,
                            new MfaChallenge(
                                    challenge,
                                    activation,
                                    ALINE,
                                    ROLE,
                                    "User Administrator",
                                    "Contoso ICM",
                                    ticket[0],
                                    now.plus(Duration.ofMinutes(5)),
                                    "http://localhost:8080/confirm/" + challenge));
                }
                case EventTypes.MFA_RESPONSE -> {
                    assertThat(p.topic()).isEqualTo("pim.mfa.responses");
                    assertThat(p.key()).isEqualTo(challenge);
                    JsonNode claims = claims(data.path("assertion").asText());
                    assertThat(claims.path("decision").asText()).isEqualTo(Decision.APPROVED.wire());
                    assertThat(claims.path("sub").asText()).isEqualTo(ALINE);
                    assertThat(claims.path("challengeId").asText()).isEqualTo(challenge);
                    assign();
                    bus.answer(
                            "pim.activations",
                            activation,
                            EventTypes.ACTIVATION_STATUS,
                            new ActivationStatus(
                                    activation,
                                    "Contoso ICM",
                                    ticket[0],
                                    ALINE,
                                    ROLE,
                                    "/",
                                    Status.ACTIVE.wire(),
                                    null,
                                    now,
                                    now.plus(Duration.ofHours(5)),
                                    "r-1"));
                }
                case EventTypes.TICKET_CLOSED -> {
                    assertThat(data.path("ticketNumber").asText()).isEqualTo(ticket[0]);
                    remove();
                    bus.answer(
                            "pim.activations",
                            activation,
                            EventTypes.ACTIVATION_STATUS,
                            new ActivationStatus(
                                    activation,
                                    "Contoso ICM",
                                    ticket[0],
                                    ALINE,
                                    ROLE,
                                    "/",
                                    Status.REVOKED.wire(),
                                    Reason.TICKET_CLOSED.wire(),
                                    now,
                                    now,
                                    "r-1"));
                    bus.answer(
                            "pim.revocations",
                            ALINE,
                            EventTypes.ACTIVATION_REVOKED,
                            new ActivationRevoked(
                                    activation,
                                    ALINE,
                                    ROLE,
                                    "/",
                                    "Contoso ICM",
                                    ticket[0],
                                    Reason.TICKET_CLOSED.wire(),
                                    now));
                }
                default -> throw new AssertionError("unexpected " + p);
            }
        });
        api.on("GET", "/api/activations/" + activation, 200, """
                {"activation": {"id": "%s", "status": "revoked"}, "audit": [
                  {"seq": 1, "action": "requested"}, {"seq": 2, "action": "validated"}, {"seq": 3, "action": "mfa-challenged"},
                  {"seq": 4, "action": "mfa-approved"}, {"seq": 5, "action": "activated"}, {"seq": 6, "action": "revoke-requested"},
                  {"seq": 7, "action": "revoked"}]}
                """.formatted(activation));
        api.on(
                "GET",
                "/api/audit/verify",
                200,
                "{\"intact\":true,\"recordsChecked\":7,\"firstBadSeq\":null,\"problem\":null}");

        CliRun run = demo(orchestrator, "--close-after", "0.2s", "--timeout", "10s");

        assertThat(run.exitCode())
                .as("exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err())
                .isZero();
        assertThat(run.err()).isEmpty();
        assertThat(ticket[0]).matches("CONTOSO:Security-012345-[0-9a-z]{4}");
        String[] expected = {
            "pimctl demo: the walkthrough's story for ticket " + ticket[0] + " (Contoso ICM)",
            "✔ orchestrator answers at " + api.url() + " (user admin)",
            "✔ Graph: Aline holds no User Administrator assignment",
            "✔ watching pim.mfa.challenges, pim.activations, pim.revocations",
            "✔ activation requested (event ",
            "… waiting for the MFA challenge",
            "✔ MFA challenge " + challenge.substring(0, 8) + "… for User Administrator, expires ",
            "✔ MFA approved: assertion signed for Aline with the development secret",
            "… waiting for activation.status active",
            "✔ activation " + activation + " active until ",
            "✔ Graph: Aline holds User Administrator (assignment ",
            "… the incident is resolved; closing the ticket in 0.2 s",
            "✔ ticket closed (event ",
            "… waiting for activation.revoked",
            "✔ activation revoked, reason ticket-closed",
            "✔ Graph: the assignment is gone",
            "✔ audit trail: 7 records: requested, validated, mfa-challenged, mfa-approved, activated, revoke-requested, revoked",
            "✔ audit chain intact (7 records)",
            "Story complete in ",
            "  pimctl audit show " + activation,
        };
        String out = run.out();
        int from = 0;
        for (String line : expected) {
            int at = out.indexOf(line, from);
            assertThat(at).as("%s%nin order in:%n%s", line, run.out()).isGreaterThanOrEqualTo(from);
            from = at + line.length();
        }
        assertThat(run.out()).containsPattern("(?m)^\\[ 0\\.\\ds] ");
        assertThat(orchestrator.published)
                .extracting(FakeBus.Published::type)
                .containsExactly(
                        EventTypes.TICKET_ACTIVATION_REQUESTED, EventTypes.MFA_RESPONSE, EventTypes.TICKET_CLOSED);
        assertThat(orchestrator.closed).isTrue();
    }

    // ---------------------------------------------------------------- --via pagerduty

    static final String WEBHOOK = "/webhooks/pagerduty";

    /**
     * The orchestrator's /webhooks/pagerduty as the embedded default's development configuration answers: the signature
     * is checked as PagerDutyWebhook checks it (hex HMAC-SHA256 of the raw body under the development secret, 401
     * otherwise), then {@code answer} decides. Each verified delivery is kept, parsed, in {@code deliveries}.
     */
    private void pagerDuty(
            List<JsonNode> deliveries, java.util.function.Function<JsonNode, FakeOrchestrator.Reply> answer) {
        api.webhook(WEBHOOK, r -> {
            assertThat(r.authorization()).as("a webhook sends no login").isNull();
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            String expected = "v1=" + hmacHex("pimflow-development-pagerduty-secret-not-for-production", r.raw());
            if (!expected.equals(r.header("X-PagerDuty-Signature"))) {
                return new FakeOrchestrator.Reply(
                        401,
                        "{\"error\":\"X-PagerDuty-Signature: no v1= signature matches the body under a configured secret\"}");
            }
            JsonNode payload;
            try {
                payload = Events.mapper().readTree(r.raw());
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + r.body(), e);
            }
            deliveries.add(payload);
            JsonNode event = payload.path("event");
            assertThat(Duration.between(Instant.parse(event.path("occurred_at").asText()), Instant.now())
                            .abs())
                    .isLessThan(Duration.ofMinutes(1));
            assertThat(event.path("id").asText()).matches("[0-9a-f-]{36}");
            return answer.apply(payload);
        });
    }

    /** What the development configuration's webhook publishes for a delivery of the demo's incident. */
    private static FakeOrchestrator.Reply published(JsonNode payload, String... ids) {
        String number = payload.path("event").path("data").path("number").asText();
        ObjectNode body = Events.mapper().createObjectNode().put("ticket", "PagerDuty:" + number);
        var list = body.putArray("published");
        for (String id : ids) {
            list.add(id);
        }
        return new FakeOrchestrator.Reply(200, body.toString());
    }

    private static String type(JsonNode payload) {
        return payload.path("event").path("event_type").asText();
    }

    private static String eventId(JsonNode payload) {
        return payload.path("event").path("id").asText();
    }

    private static String hmacHex(String secret, byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * PagerDuty's own test vector (github.com/PagerDuty/go-pagerduty, webhookv3_test.go; the body is the workflow
     * module's fixture): pimctl signs as PagerDuty does.
     */
    @Test
    void signsAsPagerDutyDoes() throws Exception {
        byte[] body = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(
                "..",
                "workflow",
                "src",
                "test",
                "resources",
                "webhooks",
                "pagerduty",
                "go-pagerduty-signature-vector.json"));
        assertThat(PagerDutyIncident.signature(
                        "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK", body))
                .isEqualTo("v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd");
    }

    @Test
    void playsTheWholeStoryAsPagerDutyIncidents() {
        String activation = UUID.randomUUID().toString();
        String challenge = UUID.randomUUID().toString();
        String[] ticket = new String[1];
        FakeBus[] bus = new FakeBus[1];
        List<JsonNode> deliveries = new CopyOnWriteArrayList<>();
        pagerDuty(deliveries, payload -> {
            JsonNode event = payload.path("event");
            JsonNode data = event.path("data");
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            if (type(payload).equals("pagey.ping")) {
                return new FakeOrchestrator.Reply(
                        202, "{\"ignored\":\"event type pagey.ping is not about an incident\"}");
            }
            // the demo's incident, as the development configuration's rule and people expect it
            assertThat(data.path("type").asText()).isEqualTo("incident");
            assertThat(data.path("number").isInt())
                    .as("PagerDuty's incident number is a JSON number")
                    .isTrue();
            assertThat(data.path("service").path("id").asText()).isEqualTo("PCONTOSO");
            assertThat(data.path("assignees").get(0).path("id").asText()).isEqualTo("PALINED");
            assertThat(data.path("title").asText())
                    .isEqualTo("Need to invalidate all app refresh tokens for Contoso users.");
            ticket[0] = data.path("number").asText();
            switch (type(payload)) {
                case "incident.triggered" -> {
                    assertThat(data.path("status").asText()).isEqualTo("triggered");
                    return published(payload, eventId(payload));
                }
                case "incident.acknowledged" -> {
                    assertThat(event.path("agent").path("id").asText()).isEqualTo("PALINED");
                    assertThat(event.path("agent").path("type").asText()).isEqualTo("user_reference");
                    bus[0].answer(
                            "pim.mfa.challenges",
                            ALINE,
                            EventTypes.MFA_CHALLENGE,
                            new MfaChallenge(
                                    challenge,
                                    activation,
                                    ALINE,
                                    ROLE,
                                    "User Administrator",
                                    "PagerDuty",
                                    ticket[0],
                                    now.plus(Duration.ofMinutes(5)),
                                    "http://localhost:8080/confirm/" + challenge));
                    return published(payload, eventId(payload), eventId(payload) + ":activation:" + ROLE);
                }
                case "incident.resolved" -> {
                    assertThat(event.path("agent").path("id").asText()).isEqualTo("PALINED");
                    remove();
                    bus[0].answer(
                            "pim.revocations",
                            ALINE,
                            EventTypes.ACTIVATION_REVOKED,
                            new ActivationRevoked(
                                    activation,
                                    ALINE,
                                    ROLE,
                                    "/",
                                    "PagerDuty",
                                    ticket[0],
                                    Reason.TICKET_CLOSED.wire(),
                                    now));
                    return published(payload, eventId(payload));
                }
                default -> throw new AssertionError("unexpected delivery " + type(payload));
            }
        });
        bus[0] = new FakeBus((p, b) -> {
            assertThat(p.type())
                    .as("nothing but the MFA response goes to Kafka")
                    .isEqualTo(EventTypes.MFA_RESPONSE);
            JsonNode claims = claims(p.event().path("data").path("assertion").asText());
            assertThat(claims.path("sub").asText()).isEqualTo(ALINE);
            assertThat(claims.path("challengeId").asText()).isEqualTo(challenge);
            assign();
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            b.answer(
                    "pim.activations",
                    activation,
                    EventTypes.ACTIVATION_STATUS,
                    new ActivationStatus(
                            activation,
                            "PagerDuty",
                            ticket[0],
                            ALINE,
                            ROLE,
                            "/",
                            Status.ACTIVE.wire(),
                            null,
                            now,
                            now.plus(Duration.ofHours(5)),
                            "r-1"));
        });
        api.on("GET", "/api/activations/" + activation, 200, """
                {"activation": {"id": "%s", "status": "revoked"}, "audit": [
                  {"seq": 1, "action": "requested"}, {"seq": 2, "action": "activated"}, {"seq": 3, "action": "revoked"}]}
                """.formatted(activation));
        api.on("GET", "/api/audit/verify", 200, "{\"intact\":true,\"recordsChecked\":3}");

        CliRun run = demo(bus[0], "--via", "pagerduty", "--close-after", "0.2s", "--timeout", "10s");

        assertThat(run.exitCode())
                .as("exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err())
                .isZero();
        assertThat(api.webhookFailures).isEmpty();
        assertThat(run.err()).isEmpty();
        assertThat(ticket[0]).matches("[1-9][0-9]{5}");
        assertThat(deliveries)
                .extracting(DemoCommandTest::type)
                .containsExactly("pagey.ping", "incident.triggered", "incident.acknowledged", "incident.resolved");
        assertThat(deliveries).extracting(DemoCommandTest::eventId).doesNotHaveDuplicates();
        String[] expected = {
            "pimctl demo --via pagerduty: the walkthrough's story as PagerDuty incident #" + ticket[0]
                    + " of service Contoso Security (PCONTOSO)",
            "webhooks to " + api.url() + "/webhooks/pagerduty, signed with the development secret",
            "✔ orchestrator answers at " + api.url() + " (user admin)",
            "✔ PagerDuty webhook answers at " + api.url() + "/webhooks/pagerduty (development signing secret accepted)",
            "✔ Graph: Aline holds no User Administrator assignment",
            "✔ watching pim.mfa.challenges, pim.activations, pim.revocations",
            "✔ incident #" + ticket[0] + " triggered on Contoso Security, assigned to Aline: ticket PagerDuty "
                    + ticket[0] + " opened (event " + eventId(deliveries.get(1)).substring(0, 8) + "…)",
            "✔ Aline acknowledged incident #" + ticket[0]
                    + ": the orchestrator asked for User Administrator for her (event "
                    + eventId(deliveries.get(2)).substring(0, 8) + "…, rule of PCONTOSO)",
            "✔ MFA challenge " + challenge.substring(0, 8) + "… for User Administrator, expires ",
            "✔ MFA approved: assertion signed for Aline with the development secret",
            "✔ activation " + activation + " active until ",
            "✔ Graph: Aline holds User Administrator (assignment ",
            "✔ incident #" + ticket[0] + " resolved: ticket closed (event "
                    + eventId(deliveries.get(3)).substring(0, 8) + "…)",
            "✔ activation revoked, reason ticket-closed",
            "✔ Graph: the assignment is gone",
            "✔ audit chain intact (3 records)",
            "Story complete in ",
        };
        String out = run.out();
        int from = 0;
        for (String line : expected) {
            int at = out.indexOf(line, from);
            assertThat(at).as("%s%nin order in:%n%s", line, run.out()).isGreaterThanOrEqualTo(from);
            from = at + line.length();
        }
        assertThat(bus[0].published).extracting(FakeBus.Published::type).containsExactly(EventTypes.MFA_RESPONSE);
        assertThat(bus[0].closed).isTrue();
    }

    @Test
    void anOrchestratorWithoutThePagerDutyWebhookStopsThePreflight() {
        FakeBus bus = new FakeBus((p, b) -> {});
        // what the orchestrator answers where no PagerDuty secret is set (the production profile, or dev-demo-enabled
        // off)
        api.webhook(
                WEBHOOK,
                r -> new FakeOrchestrator.Reply(
                        404, "{\"error\":\"no webhook is configured at /webhooks/pagerduty\"}"));

        CliRun run = demo(bus, "--via", "pagerduty", "--timeout", "5s");

        assertStepFailed(
                run,
                "preflight (PagerDuty webhook)",
                "POST " + api.url() + "/webhooks/pagerduty (pagey.ping) answered 404",
                "the demo needs the embedded default",
                "pim.webhooks.pagerduty.dev-demo-enabled");
        assertThat(bus.published).isEmpty();
        assertThat(run.out()).doesNotContain("Graph: Aline");
    }

    @Test
    void anotherSigningSecretIsSaidToTurnTheDevelopmentConfigurationOff() {
        api.webhook(
                WEBHOOK,
                r -> new FakeOrchestrator.Reply(
                        401,
                        "{\"error\":\"X-PagerDuty-Signature: no v1= signature matches the body under a configured secret\"}"));

        CliRun run = demo(new FakeBus((p, b) -> {}), "--via", "pagerduty", "--timeout", "5s");

        assertStepFailed(
                run,
                "preflight (PagerDuty webhook)",
                "answered 401 (X-PagerDuty-Signature: no v1= signature matches",
                "the orchestrator has its own pim.webhooks.pagerduty.secrets, which turn the development secret off",
                "(PIM_WEBHOOKS_PAGERDUTY_SECRETS) for the demo");
    }

    @Test
    void noRuleForTheServiceStopsStepTwoAndResolvesTheIncident() {
        List<JsonNode> deliveries = new CopyOnWriteArrayList<>();
        pagerDuty(
                deliveries,
                payload -> type(payload).equals("pagey.ping")
                        ? new FakeOrchestrator.Reply(202, "{\"ignored\":\"ping\"}")
                        // no rule: the acknowledgement assigns the ticket, and asks for nothing
                        : published(payload, eventId(payload)));
        FakeBus bus = new FakeBus((p, b) -> {});

        CliRun run = demo(bus, "--via", "pagerduty", "--timeout", "5s");

        assertStepFailed(
                run,
                "step 2 (PagerDuty incident)",
                "incident.acknowledged published no activation request",
                "no rule for PagerDuty service PCONTOSO",
                "(resolved incident #");
        assertThat(run.errLines()[0]).contains(": nothing stays active)");
        assertThat(deliveries)
                .extracting(DemoCommandTest::type)
                .containsExactly("pagey.ping", "incident.triggered", "incident.acknowledged", "incident.resolved");
        assertThat(bus.published).isEmpty();
        assertThat(api.webhookFailures).isEmpty();
    }

    @Test
    void anUnmappedPagerDutyUserIsNamed() {
        List<JsonNode> deliveries = new CopyOnWriteArrayList<>();
        pagerDuty(deliveries, payload -> switch (type(payload)) {
            case "pagey.ping" -> new FakeOrchestrator.Reply(202, "{\"ignored\":\"ping\"}");
            case "incident.triggered" ->
                new FakeOrchestrator.Reply(422, "{\"error\":\"event.data.assignees[0]: unknown person (ticket 1)\"}");
            default -> throw new AssertionError("nothing after a refused trigger: " + type(payload));
        });

        CliRun run = demo(new FakeBus((p, b) -> {}), "--via", "pagerduty", "--timeout", "5s");

        assertStepFailed(
                run,
                "step 2 (PagerDuty incident)",
                "(incident.triggered) answered 422: event.data.assignees[0]: unknown person",
                "is Aline's PagerDuty user PALINED in pim.webhooks.pagerduty.people, as AlineD@contoso.onmicrosoft.com");
        // refused: nothing was opened, so nothing is resolved
        assertThat(run.errLines()[0]).doesNotContain("resolved incident");
        assertThat(deliveries).extracting(DemoCommandTest::type).containsExactly("pagey.ping", "incident.triggered");
        assertThat(api.webhookFailures).isEmpty();
    }

    @Test
    void noChallengeAfterTheAcknowledgementResolvesTheIncident() {
        List<JsonNode> deliveries = new CopyOnWriteArrayList<>();
        pagerDuty(deliveries, payload -> switch (type(payload)) {
            case "pagey.ping" -> new FakeOrchestrator.Reply(202, "{\"ignored\":\"ping\"}");
            case "incident.acknowledged" ->
                published(payload, eventId(payload), eventId(payload) + ":activation:" + ROLE);
            default -> published(payload, eventId(payload));
        });

        CliRun run = demo(new FakeBus((p, b) -> {}), "--via", "pagerduty", "--timeout", "1s");

        assertStepFailed(run, "step 3 (MFA challenge)", "no mfa.challenge within 1 s", "(resolved incident #");
        assertThat(deliveries)
                .extracting(DemoCommandTest::type)
                .containsExactly("pagey.ping", "incident.triggered", "incident.acknowledged", "incident.resolved");
        assertThat(deliveries.get(3).path("event").path("data").path("number"))
                .isEqualTo(deliveries.get(1).path("event").path("data").path("number"));
    }

    @Test
    void pagerDutyOptionsAreCheckedBeforeAnything() {
        for (String[] args : List.of(
                new String[] {"--via", "carrier-pigeon"},
                new String[] {"--via", "pagerduty", "--duration", "PT1H"},
                new String[] {"--via", "pagerduty", "--ticket", "CONTOSO:Security-012345"},
                new String[] {"--via", "pagerduty", "--ticket", "0"})) {
            CliRun run = demo(null, args);
            assertThat(run.exitCode()).as("%s: %s", List.of(args), run.err()).isEqualTo(2);
            assertThat(run.errLines()).hasSize(1);
            assertThat(run.errLines()[0]).startsWith("pimctl: ").contains("'" + args[args.length - 2] + "'");
        }
        assertThat(api.requests).isEmpty();
    }

    /** The claims of a JWS compact token (not verified: the orchestrator does that). */
    private static JsonNode claims(String jws) {
        try {
            return Events.mapper().readTree(Base64.getUrlDecoder().decode(jws.split("\\.")[1]));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the orchestrator does in PIM: adminAssign (activate) and adminRemove (revoke) of User Administrator for Aline. */
    private static void assign() {
        schedule(simulator.baseUrl(), "adminAssign", ROLE);
    }

    private static void remove() {
        schedule(simulator.baseUrl(), "adminRemove", ROLE);
    }

    /** An adminAssign or adminRemove of {@code role} for Aline, as the orchestrator asks PIM (the simulator at {@code graph}). */
    static void schedule(String graph, String action, String role) {
        try {
            String origin = graph.replace("/v1.0", "");
            HttpClient http = HttpClient.newHttpClient();
            String token = Events.mapper()
                    .readTree(http.send(
                                    HttpRequest.newBuilder(URI.create(origin + "/_simulator/tokens"))
                                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body())
                    .path("access_token")
                    .asText();
            ObjectNode body = Events.mapper()
                    .createObjectNode()
                    .put("action", action)
                    .put("principalId", ALINE)
                    .put("roleDefinitionId", role)
                    .put("directoryScopeId", "/")
                    .put("justification", "test");
            if (action.equals("adminAssign")) {
                ObjectNode schedule = body.putObject("scheduleInfo");
                schedule.put(
                        "startDateTime",
                        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                schedule.putObject("expiration").put("type", "afterDuration").put("duration", "PT5H");
                body.putObject("ticketInfo").put("ticketNumber", "T").put("ticketSystem", "Contoso ICM");
            }
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(
                                    URI.create(graph + "/roleManagement/directory/roleAssignmentScheduleRequests"))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s: %s", action, r.body()).isEqualTo(201);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
