package dev.pimflow.workflow.api;

import dev.pimflow.audit.AuditRecord;
import dev.pimflow.audit.AuditTrail;
import dev.pimflow.audit.AuditVerification;
import dev.pimflow.contracts.AuditAction;
import dev.pimflow.contracts.InvalidEventException;
import dev.pimflow.workflow.activation.ExtensionRequests;
import dev.pimflow.workflow.activation.ManualRevoke;
import dev.pimflow.workflow.security.RequestSurface;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Extensions;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The product's REST API (authenticated): activations, their audit trail, audit verification, manual revoke,
 * extension.
 */
@RestController
@RequestMapping("/api")
public class ActivationController {
    private final ActivationStore store;
    private final AuditTrail audit;
    private final ManualRevoke manualRevoke;
    private final ExtensionRequests extensions;

    public ActivationController(
            ActivationStore store, AuditTrail audit, ManualRevoke manualRevoke, ExtensionRequests extensions) {
        this.extensions = extensions;
        this.store = store;
        this.audit = audit;
        this.manualRevoke = manualRevoke;
    }

    @GetMapping("/activations")
    public List<Activation> list(
            @RequestParam(required = false) String ticket,
            @RequestParam(required = false) String principal,
            @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "100") int limit) {
        return store.search(ticket, principal, status, limit);
    }

    @GetMapping("/activations/{id}")
    public ResponseEntity<?> one(@PathVariable String id) {
        return store.find(id)
                .<ResponseEntity<?>>map(a -> ResponseEntity.ok(new ActivationWithAudit(a, audit.forActivation(id))))
                .orElseGet(() -> notFound(id));
    }

    /** The chain in the database, and against the checkpoints on pim.audit, its witness outside the database (ADR 0005). */
    @GetMapping("/audit/verify")
    public AuditVerification verify() {
        return audit.verifyWithWitness();
    }

    public record RevokeRequest(String reason) {}

    /** Manual revoke: audited with the caller as actor, then the process revokes as for any other trigger. */
    @PostMapping("/activations/{id}/revoke")
    public ResponseEntity<?> revoke(
            @PathVariable String id, @RequestBody(required = false) RevokeRequest body, Authentication caller) {
        if (body == null || body.reason() == null || body.reason().isBlank()) {
            return ResponseEntity.badRequest().body(Map.of("error", "reason: required"));
        }
        if (body.reason().length() > 500) {
            return ResponseEntity.badRequest().body(Map.of("error", "reason: longer than 500 characters"));
        }
        ManualRevoke.Outcome outcome = manualRevoke.request(
                id, "user:" + caller.getName(), body.reason(), RequestSurface.surfaceOr(RequestSurface.PRODUCT_REST));
        if (outcome instanceof ManualRevoke.Outcome.NoSuchActivation) {
            return notFound(id);
        }
        if (outcome instanceof ManualRevoke.Outcome.NotActive notActive) {
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(Map.of("error", "activation " + id + " is " + notActive.status() + ", not active"));
        }
        return ResponseEntity.accepted()
                .body(Map.of("activationId", id, "status", AuditAction.REVOKE_REQUESTED.wire()));
    }

    public record ExtensionBody(String duration, String justification) {}

    /**
     * More time for an active activation (DESIGN §9.3): the person confirms with MFA again, approvers decide again
     * where the role's policy asks, then PIM extends. 202 when asked; 409 with a {@code reason} when refused.
     */
    @PostMapping("/activations/{id}/extension")
    public ResponseEntity<?> extend(
            @PathVariable String id, @RequestBody(required = false) ExtensionBody body, Authentication caller) {
        if (body == null || body.duration() == null || body.duration().isBlank()) {
            return ResponseEntity.badRequest().body(Map.of("error", "duration: required (ISO-8601, e.g. PT1H)"));
        }
        Duration duration;
        try {
            duration = Duration.parse(body.duration());
        } catch (DateTimeParseException e) {
            return ResponseEntity.badRequest()
                    .body(Map.of("error", "duration: not an ISO-8601 duration (e.g. PT30M, PT1H)"));
        }
        ExtensionRequests.Outcome outcome;
        try {
            outcome = extensions.requestInTransaction(
                    id,
                    duration,
                    body.justification(),
                    "user:" + caller.getName(),
                    RequestSurface.surfaceOr(RequestSurface.PRODUCT_REST));
        } catch (InvalidEventException e) {
            return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
        }
        if (outcome instanceof ExtensionRequests.Outcome.NoSuchActivation) {
            return notFound(id);
        }
        if (outcome instanceof ExtensionRequests.Outcome.Refused refused) {
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(Map.of(
                            "error", refused.message(),
                            "reason", refused.reason(),
                            "extensionId", refused.extension().id()));
        }
        Extensions.Extension x = ((ExtensionRequests.Outcome.Requested) outcome).extension();
        return ResponseEntity.accepted()
                .body(Map.of("activationId", id, "extensionId", x.id(), "round", x.round(), "status", x.status()));
    }

    private static ResponseEntity<?> notFound(String id) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no activation " + id));
    }

    public record ActivationWithAudit(Activation activation, List<AuditRecord> audit) {}
}
