package dev.pimflow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pimflow.contracts.Decision;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.contracts.MfaResponse;
import dev.pimflow.mfa.MfaAssertionSigner;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pimctl mfa approve|deny}: what the MFA gateway does once the person has confirmed or refused: signs an HS256
 * assertion (DESIGN §4 {@code mfa.response}) and publishes it on {@code pim.mfa.responses}, keyed by the challenge id.
 */
abstract class MfaAnswerCommand implements Callable<Integer> {
    static final String SECRET_ENV = "PIM_MFA_SHARED_SECRET";
    /** How long the signed assertion is valid; the orchestrator checks {@code exp}. */
    static final Duration ASSERTION_TTL = Duration.ofMinutes(2);

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "<challengeId>",
            description = "The challenge to answer (see 'pimctl mfa pending').")
    String challengeId;

    @Option(
            names = "--principal",
            paramLabel = "<objectId>",
            description = "Entra object id the challenge is for (default: looked up on pim.mfa.challenges).")
    String principalId;

    @Option(
            names = "--secret",
            paramLabel = "<secret>",
            description =
                    "HS256 secret shared with the orchestrator, at least 32 bytes (default: env " + SECRET_ENV
                            + ", else the development secret). Prefer the environment variable: options show in the process list.")
    String secret;

    @Option(
            names = "--wait",
            paramLabel = "<seconds>",
            defaultValue = "5",
            description =
                    "When looking the principal up: read the challenges for at most this long (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Option(
            names = "--topic",
            paramLabel = "<topic>",
            defaultValue = MfaCommand.RESPONSES_TOPIC,
            description = "Topic to publish the response on (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--challenges-topic",
            paramLabel = "<topic>",
            defaultValue = MfaCommand.CHALLENGES_TOPIC,
            description = "Topic to look the challenge up on (default: ${DEFAULT-VALUE}).")
    String challengesTopic;

    Clock clock = Clock.systemUTC();
    Map<String, String> environment = System.getenv();

    abstract boolean approved();

    /** The secret to sign with: the option, else the environment, else the development value. */
    record Secret(String value, boolean development) {
        @Override
        public String toString() {
            return development ? "Secret[development]" : "Secret[***]";
        }
    }

    static Secret resolveSecret(CommandLine cmd, String option, Map<String, String> env) {
        String value = option;
        String from = "--secret";
        if (value == null) {
            value = env.get(SECRET_ENV);
            from = SECRET_ENV;
        }
        if (value == null || value.isEmpty()) {
            return new Secret(MfaAssertionSigner.DEVELOPMENT_SECRET, true);
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 32) {
            throw new CommandLine.ParameterException(
                    cmd,
                    "Invalid value for "
                            + ("--secret".equals(from) ? "option '--secret'" : "environment variable " + SECRET_ENV)
                            + ": an HS256 secret must be at least 32 bytes, got " + bytes);
        }
        return new Secret(value, MfaAssertionSigner.DEVELOPMENT_SECRET.equals(value));
    }

    /** The structured-mode {@code mfa.response} CloudEvent (package-private for tests). */
    byte[] buildResponse(String eventId, String challenge, String principal, Secret key) {
        return response(eventId, challenge, principal, key, approved(), clock);
    }

    /**
     * What an MFA gateway publishes once the person has decided: an {@code mfa.response} CloudEvent whose assertion is an
     * HS256 JWS (amr pwd, mfa; valid {@link #ASSERTION_TTL}) signed with {@code key}. Also used by {@code pimctl demo}.
     */
    static byte[] response(
            String eventId, String challenge, String principal, Secret key, boolean approved, Clock clock) {
        String assertion =
                new MfaAssertionSigner(key.value(), clock).sign(principal, challenge, approved, ASSERTION_TTL);
        return Events.codec()
                .writeInbound(eventId, EventTypes.MFA_RESPONSE, Events.SOURCE, new MfaResponse(challenge, assertion));
    }

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        String challenge = Inputs.guid(cmd, "<challengeId>", challengeId);
        String principal = principalId == null ? null : Inputs.guid(cmd, "--principal", principalId);
        Inputs.seconds(cmd, "--wait", waitSeconds, 3600);
        String target = Inputs.topic(cmd, "--topic", topic);
        String lookupTopic = Inputs.topic(cmd, "--challenges-topic", challengesTopic);
        Secret key = resolveSecret(cmd, secret, environment);
        KafkaIo kafka = new KafkaIo(Pimctl.kafka(spec));
        if (key.development()) {
            PrintWriter err = cmd.getErr();
            err.println("pimctl: warning: signing with the development MFA secret; set " + SECRET_ENV
                    + " (or --secret) to the orchestrator's pim.mfa.shared-secret outside the embedded setup");
            err.flush();
        }
        if (principal == null) {
            ObjectNode found = lookUp(kafka, lookupTopic, challenge);
            challenge = found.get("challengeId").asText(); // exactly as the orchestrator wrote it
            principal = found.get("principalId").asText();
        }
        String eventId = UUID.randomUUID().toString();
        kafka.publishEvent(target, challenge, buildResponse(eventId, challenge, principal, key));
        PrintWriter out = cmd.getOut();
        out.println(Decision.of(approved()).wire() + " MFA challenge " + challenge + " for principal " + principal
                + " (event " + eventId + " on " + target + ")");
        out.flush();
        return Pimctl.EXIT_OK;
    }

    /** The unexpired challenge with this id, with a valid principalId. */
    private ObjectNode lookUp(KafkaIo kafka, String lookupTopic, String challenge) {
        List<Events.View> events = new ArrayList<>();
        boolean complete =
                kafka.read(lookupTopic, true, Duration.ofSeconds(waitSeconds), true, r -> events.add(Events.parse(r)));
        ObjectNode found = MfaPendingCommand.find(events, challenge);
        if (found == null) {
            throw new CliException("no MFA challenge " + challenge + " on " + lookupTopic
                    + (complete ? "" : " (read for " + waitSeconds + " s without reaching its end: raise --wait)")
                    + ": check the id with 'pimctl mfa pending', or pass --principal");
        }
        Instant expiresAt = Events.parseTime(found.path("expiresAt").asText(null));
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw new CliException("MFA challenge " + challenge + " expired at " + Events.formatTime(expiresAt)
                    + ": the orchestrator no longer waits for it; request the activation again");
        }
        String principal = found.path("principalId").asText(null);
        if (principal == null || !Inputs.GUID.matcher(principal).matches()) {
            throw new CliException("MFA challenge " + challenge + " on " + lookupTopic
                    + " has no valid principalId: pass --principal");
        }
        return found;
    }

    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Approve an MFA challenge: signs an 'approved' assertion (HS256, amr [pwd, mfa], valid 2 min) "
                            + "and publishes mfa.response on pim.mfa.responses, keyed by the challenge id.")
    static class Approve extends MfaAnswerCommand {
        @Override
        boolean approved() {
            return true;
        }
    }

    @Command(
            name = "deny",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description =
                    "Deny an MFA challenge: signs a 'denied' assertion and publishes mfa.response on pim.mfa.responses; "
                            + "the orchestrator then denies the activation.")
    static class Deny extends MfaAnswerCommand {
        @Override
        boolean approved() {
            return false;
        }
    }
}
