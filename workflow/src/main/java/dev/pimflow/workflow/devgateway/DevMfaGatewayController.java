package dev.pimflow.workflow.devgateway;

import dev.pimflow.contracts.MfaChallenge;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Collection;
import java.util.Map;

/** Answer MFA challenges of the development gateway: {@code GET /dev/mfa/challenges}, {@code POST /dev/mfa/challenges/{id}/approve|deny}. */
@RestController
@RequestMapping("/dev/mfa/challenges")
@ConditionalOnProperty(name = "pim.mfa.dev-gateway-enabled", havingValue = "true")
public class DevMfaGatewayController {
    private final DevMfaGateway gateway;

    public DevMfaGatewayController(DevMfaGateway gateway) {
        this.gateway = gateway;
    }

    @GetMapping
    public Collection<MfaChallenge> pending() {
        return gateway.pending();
    }

    @PostMapping("/{challengeId}/approve")
    public ResponseEntity<?> approve(@PathVariable String challengeId) {
        return answer(challengeId, true);
    }

    @PostMapping("/{challengeId}/deny")
    public ResponseEntity<?> deny(@PathVariable String challengeId) {
        return answer(challengeId, false);
    }

    private ResponseEntity<?> answer(String challengeId, boolean approved) {
        if (gateway.find(challengeId).isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no open challenge " + challengeId + " (unknown, answered or expired)"));
        }
        MfaChallenge c = gateway.answer(challengeId, approved);
        return ResponseEntity.accepted().body(Map.of("challengeId", c.challengeId(), "activationId", c.activationId(),
                "decision", approved ? "approved" : "denied"));
    }
}
