package dev.pimflow.workflow.devgateway;

import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.Decision;
import dev.pimflow.contracts.MfaChallenge;
import dev.pimflow.workflow.security.OperatorAudit;
import java.util.Collection;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Answer MFA challenges of the development gateway: {@code GET /dev/mfa/challenges}, {@code POST /dev/mfa/challenges/{id}/approve|deny}. */
@RestController
@RequestMapping("/dev/mfa/challenges")
@ConditionalOnProperty(name = "pim.mfa.dev-gateway-enabled", havingValue = "true")
public class DevMfaGatewayController {
    private final DevMfaGateway gateway;
    private final OperatorAudit audit;

    public DevMfaGatewayController(DevMfaGateway gateway, OperatorAudit audit) {
        this.gateway = gateway;
        this.audit = audit;
    }

    @GetMapping
    public Collection<MfaChallenge> pending() {
        return gateway.pending();
    }

    @PostMapping("/{challengeId}/approve")
    public ResponseEntity<?> approve(@PathVariable String challengeId, Authentication caller) {
        return answer(challengeId, true, caller);
    }

    @PostMapping("/{challengeId}/deny")
    public ResponseEntity<?> deny(@PathVariable String challengeId, Authentication caller) {
        return answer(challengeId, false, caller);
    }

    /**
     * The assertion the gateway signs names the principal, as a real gateway's would; the audit trail also records who
     * actually answered through this development gateway, before the response reaches the orchestrator.
     */
    private ResponseEntity<?> answer(String challengeId, boolean approved, Authentication caller) {
        if (gateway.find(challengeId).isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(Map.of("error", "no open challenge " + challengeId + " (unknown, answered or expired)"));
        }
        MfaChallenge open = gateway.find(challengeId).orElseThrow();
        audit.onActivation(
                caller.getName(),
                AuditAction.DEV_MFA_ANSWERED,
                Decision.of(approved).wire(),
                open.activationId(),
                Map.of("challengeId", challengeId, "onBehalfOf", open.principalId()));
        MfaChallenge c = gateway.answer(challengeId, approved);
        return ResponseEntity.accepted()
                .body(Map.of(
                        "challengeId",
                        c.challengeId(),
                        "activationId",
                        c.activationId(),
                        "decision",
                        Decision.of(approved).wire()));
    }
}
