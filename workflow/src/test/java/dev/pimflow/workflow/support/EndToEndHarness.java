package dev.pimflow.workflow.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pimflow.audit.AuditRecord;
import dev.pimflow.mfa.MfaAssertionSigner;

import java.time.Duration;
import java.util.List;

/**
 * What an end-to-end scenario needs from its harness, whichever runs the orchestrator (the embedded broker of
 * {@link EndToEndTestBase} or the containers of {@link ContainersEndToEndTestBase}), so one scenario can be written
 * once as an interface with default test methods and run on both.
 */
public interface EndToEndHarness {
    TicketSystem tickets();

    TopicWatcher topics();

    MfaAssertionSigner gateway();

    /** How long to wait for anything to happen. */
    Duration waitTime();

    JsonNode awaitChallenge(String ticketNumber);

    JsonNode awaitStatus(String activationId, String status);

    JsonNode awaitRevoked(String activationId);

    List<String> activeRoles(String principalId) throws Exception;

    List<AuditRecord> chainedAudit(String activationId);

    /** The whole audit chain verifies. */
    boolean auditIntact();
}
