package dev.pimflow.workflow.api;

import dev.pimflow.workflow.activation.ApprovalDecisions;
import dev.pimflow.workflow.activation.ApproverIdentity;
import dev.pimflow.workflow.security.RequestSurface;
import dev.pimflow.workflow.security.Roles;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Approvals.Approval;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Approval stages (DESIGN §9.3): listed for approvers, operators and auditors; decided by an authenticated approver,
 * whose directory identity (the login's e-mail, resolved in Entra) must be one of the stage's approvers. The same rules
 * as Tasklist and {@code approval.decision}, in {@link ApprovalDecisions}.
 */
@RestController
@RequestMapping("/api")
public class ApprovalController {
    private static final Pattern UUID_SHAPE =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Approvals approvals;
    private final ActivationStore store;
    private final ApprovalDecisions decisions;
    private final ApproverIdentity identities;
    private final TransactionTemplate tx;

    /** Roles that see every stage; a login with none of them is only an approver. */
    private static final java.util.Set<String> ALL_STAGES =
            java.util.Set.of("ROLE_" + Roles.OPERATOR, "ROLE_" + Roles.AUDITOR, "ROLE_" + Roles.ADMIN);

    public ApprovalController(
            Approvals approvals,
            ActivationStore store,
            ApprovalDecisions decisions,
            ApproverIdentity identities,
            TransactionTemplate tx) {
        this.approvals = approvals;
        this.store = store;
        this.decisions = decisions;
        this.identities = identities;
        this.tx = tx;
    }

    /** An approval stage as the API shows it (issue15-contracts: the {@code approval.requested} fields and the decision). */
    public record ApprovalView(
            String approvalId,
            String activationId,
            String purpose,
            int stage,
            int stages,
            String status,
            String ticketSystem,
            String ticketNumber,
            String principalId,
            String roleDefinitionId,
            String roleDisplayName,
            String directoryScopeId,
            String duration,
            String justification,
            List<String> approvers,
            boolean escalated,
            boolean approverJustificationRequired,
            Instant requestedAt,
            Instant dueAt,
            String decidedBy,
            Instant decidedAt,
            String decisionJustification,
            String channel) {}

    /**
     * Operators, auditors and the admin see every stage; a login that is only an approver sees the stages it may
     * decide (its directory identity among their approvers).
     */
    @GetMapping("/approvals")
    public ResponseEntity<?> list(
            @RequestParam(defaultValue = "pending") String status,
            @RequestParam(defaultValue = "100") int limit,
            Authentication caller) {
        if (!status.equals("pending") && !status.equals("all")) {
            return bad("status: must be pending or all");
        }
        if (limit < 1 || limit > 1000) {
            return bad("limit: must be between 1 and 1000");
        }
        boolean onlyApprover = caller.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .noneMatch(ALL_STAGES::contains);
        String self = onlyApprover ? identities.of(caller.getName()).orElse(null) : null;
        if (onlyApprover && self == null) {
            return ResponseEntity.ok(List.of()); // a login pimflow cannot find in the directory decides nothing
        }
        List<ApprovalView> out = new ArrayList<>();
        for (Approval a : approvals.list(status.equals("pending"), limit)) {
            if (!onlyApprover || approvals.mayDecide(a, self)) {
                store.find(a.activationId()).ifPresent(activation -> out.add(view(a, activation)));
            }
        }
        return ResponseEntity.ok(out);
    }

    @GetMapping("/approvals/{id}")
    public ResponseEntity<?> one(@PathVariable String id) {
        if (!UUID_SHAPE.matcher(id).matches()) {
            return bad("approvalId: must be a UUID");
        }
        return approvals
                .find(id)
                .flatMap(a -> store.find(a.activationId()).map(activation -> view(a, activation)))
                .<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(
                        () -> ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no approval " + id)));
    }

    public record DecisionRequest(String decision, String justification) {}

    /**
     * An authenticated approver decides a pending stage; a refusal is audited and answered with its reason. Who the
     * login is in the directory is asked first, outside the decision's transaction (no connection held for Graph).
     */
    @PostMapping("/approvals/{id}/decision")
    public ResponseEntity<?> decide(
            @PathVariable String id, @RequestBody(required = false) DecisionRequest body, Authentication caller) {
        if (!UUID_SHAPE.matcher(id).matches()) {
            return bad("approvalId: must be a UUID");
        }
        if (body == null || body.decision() == null) {
            return bad("decision: required, approve or deny");
        }
        if (!body.decision().equals("approve") && !body.decision().equals("deny")) {
            return bad("decision: must be approve or deny");
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("login", caller.getName());
        evidence.put("surface", RequestSurface.surfaceOr(RequestSurface.PRODUCT_REST));
        evidence.put("ref", "api:" + caller.getName());
        String approver = identities.of(caller.getName()).orElse(null);
        ApprovalDecisions.Outcome outcome = tx.execute(s -> decisions.decide(
                id,
                approver,
                body.decision().equals("approve"),
                body.justification(),
                "api",
                "login:" + caller.getName(),
                evidence));
        if (outcome instanceof ApprovalDecisions.Outcome.Refused refused) {
            return ResponseEntity.status(refused.status()).body(Map.of("error", refused.error()));
        }
        Approval decided = ((ApprovalDecisions.Outcome.Decided) outcome).approval();
        return ResponseEntity.ok(
                view(decided, store.find(decided.activationId()).orElseThrow()));
    }

    private ApprovalView view(Approval a, Activation activation) {
        return new ApprovalView(
                a.id(),
                a.activationId(),
                a.purpose(),
                a.stage(),
                a.stages(),
                a.status(),
                activation.ticketSystem(),
                activation.ticketNumber(),
                activation.principalId(),
                activation.roleDefinitionId(),
                activation.roleDisplayName(),
                activation.directoryScopeId(),
                activation.requestedDuration(),
                activation.justification(),
                List.copyOf(approvals.approvers(a)),
                a.escalatedAt() != null,
                a.justificationRequired(),
                a.requestedAt(),
                a.dueAt(),
                a.decidedBy(),
                a.decidedAt(),
                a.decisionJustification(),
                a.channel());
    }

    private static ResponseEntity<?> bad(String error) {
        return ResponseEntity.badRequest().body(Map.of("error", error));
    }
}
