package dev.pimflow.workflow;

import static dev.pimflow.workflow.support.TicketSystem.ALINE;
import static dev.pimflow.workflow.support.TicketSystem.BOB;
import static dev.pimflow.workflow.support.TicketSystem.USER_ADMINISTRATOR;
import static dev.pimflow.workflow.support.TopicWatcher.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.Status;
import dev.pimflow.mfa.MfaAssertionSigner;
import dev.pimflow.workflow.support.EndToEndTestBase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §6.1: no activation without an MFA approval that is validly signed, for that challenge, by that principal,
 * not expired, with MFA, and used once. Each forgery is dead-lettered with its reason and audited; the activation
 * stays pending and nothing is assigned in PIM until a valid approval arrives; replaying that approval fails.
 */
class NoActivationWithoutAValidMfaApprovalTest extends EndToEndTestBase {

    @Test
    void everyForgedOrMisusedApprovalIsRejectedAndOnlyAValidOneActivates() throws Exception {
        String ticket = "CONTOSO:Mfa-1";
        tickets.requestActivation(ticket, ALINE, "PT1H");
        JsonNode challenge = awaitChallenge(ticket).path("data");
        String activationId = challenge.path("activationId").asText();
        String challengeId = challenge.path("challengeId").asText();

        // a second, unrelated challenge, so that "the assertion of another challenge" is a real one
        tickets.requestActivation("CONTOSO:Mfa-2", ALINE, "PT1H");
        String otherChallengeId =
                awaitChallenge("CONTOSO:Mfa-2").path("data").path("challengeId").asText();

        Map<String, String> forgeries = new LinkedHashMap<>();
        forgeries.put("unsigned (alg none)", unsigned(challengeId));
        forgeries.put(
                "signed with the wrong key",
                new MfaAssertionSigner("an-attacker-secret-that-is-long-enough-0123", Clock.systemUTC())
                        .sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
        forgeries.put("for another principal", gateway.sign(BOB, challengeId, true, Duration.ofMinutes(2)));
        forgeries.put("for another challenge", gateway.sign(ALINE, otherChallengeId, true, Duration.ofMinutes(2)));
        forgeries.put(
                "expired",
                new MfaAssertionSigner(DEV_SECRET, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)))
                        .sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
        forgeries.put(
                "amr without mfa", gateway.sign(ALINE, challengeId, "approved", List.of("pwd"), Duration.ofMinutes(2)));

        Map<String, String> reasons = new LinkedHashMap<>();
        for (var forgery : forgeries.entrySet()) {
            String marker = sendMfaResponse(challengeId, forgery.getValue());
            reasons.put(forgery.getKey(), awaitDeadLetter(marker));
        }
        String unknownMarker = sendMfaResponse(
                UUID.randomUUID().toString(), gateway.sign(ALINE, challengeId, true, Duration.ofMinutes(2)));
        reasons.put("for an unknown challenge", awaitDeadLetter(unknownMarker));

        assertThat(reasons.get("unsigned (alg none)")).startsWith("data.assertion: ");
        assertThat(reasons.get("signed with the wrong key"))
                .startsWith("data.assertion: ")
                .contains("rejected");
        assertThat(reasons.get("for another principal"))
                .isEqualTo("data.assertion: assertion is for another principal");
        assertThat(reasons.get("for another challenge"))
                .isEqualTo("data.assertion: assertion is for another challenge");
        assertThat(reasons.get("expired")).startsWith("data.assertion: ").containsIgnoringCase("expired");
        assertThat(reasons.get("amr without mfa")).isEqualTo("data.assertion: assertion amr does not contain mfa");
        assertThat(reasons.get("for an unknown challenge")).isEqualTo("data.challengeId: unknown challenge");

        // audited, nothing activated
        assertThat(chainedAudit(activationId).stream()
                        .filter(r -> AuditAction.MFA_REJECTED.is(r.action()))
                        .count())
                .isEqualTo(forgeries.size());
        assertThat(statusOf(activationId)).isEqualTo(Status.PENDING_MFA.wire());
        assertThat(activeRoles(ALINE)).doesNotContain(USER_ADMINISTRATOR);

        // the valid approval activates; the same assertion a second time is refused
        String approval = gateway.sign(ALINE, challengeId, true, Duration.ofMinutes(2));
        sendMfaResponse(challengeId, approval);
        awaitStatus(activationId, Status.ACTIVE);
        String replay = sendMfaResponse(challengeId, approval);
        assertThat(awaitDeadLetter(replay)).isEqualTo("data.assertion: assertion already used");
        List<AuditRecord> records = chainedAudit(activationId);
        assertThat(records.get(records.size() - 1).details()).containsEntry("reason", "assertion already used");
        assertThat(records.stream()
                        .filter(r -> AuditAction.MFA_APPROVED.is(r.action()))
                        .count())
                .isEqualTo(1);

        tickets.closeTicket(ticket);
        tickets.closeTicket("CONTOSO:Mfa-2");
        awaitRevoked(activationId);
    }

    /** Publishes an mfa.response as a gateway would; returns its event id. */
    private String sendMfaResponse(String challengeId, String assertion) {
        var data = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("challengeId", challengeId)
                .put("assertion", assertion);
        return tickets.send("pim.mfa.responses", challengeId, dev.pimflow.contracts.EventTypes.MFA_RESPONSE, data);
    }

    /** Waits for the dead letter of the response whose event id is the marker; returns its reason header. */
    private String awaitDeadLetter(String eventId) {
        ConsumerRecord<String, byte[]> dead = topics.awaitRecord(
                "pim.mfa.responses.dlt", WAIT, r -> new String(r.value(), StandardCharsets.UTF_8).contains(eventId));
        return header(dead, "pim-dlt-reason");
    }

    private static String unsigned(String challengeId) {
        Instant now = Instant.now();
        return new PlainJWT(
                        new PlainHeader(),
                        new JWTClaimsSet.Builder()
                                .subject(ALINE)
                                .claim("challengeId", challengeId)
                                .claim("decision", "approved")
                                .claim("amr", List.of("pwd", "mfa"))
                                .issueTime(Date.from(now))
                                .expirationTime(Date.from(now.plusSeconds(120)))
                                .build())
                .serialize();
    }
}
