package dev.pimflow.workflow.process;

import static dev.pimflow.workflow.process.ProcessElements.Vars;

import dev.pimflow.contracts.Reason;
import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.Eligibility;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.pim.PimException;
import dev.pimflow.pim.RoleDefinition;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.directory.RoleCatalog;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.ClosedTickets;
import dev.pimflow.workflow.store.Tickets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/**
 * Checks the request against PIM: the role exists, the principal is eligible (directly or through a group), and the
 * role's activation policy (maximum duration, justification, ticket) is met; and the ticket is not already closed.
 * Role definition and policy come from the {@link RoleCatalog} (cached); eligibility is asked every time.
 */
@Component("validateRequest")
public class ValidateRequestDelegate extends ActivationDelegate {
    private final PimDirectory pim;
    private final ClosedTickets closedTickets;
    private final RoleCatalog roles;
    private final Tickets tickets;
    private final PimProperties.Tickets ticketRules;
    private final boolean selfActivate;

    public ValidateRequestDelegate(
            ActivationStore store,
            PimDirectory pim,
            ClosedTickets closedTickets,
            ActivationRecorder recorder,
            RoleCatalog roles,
            Tickets tickets,
            PimProperties properties) {
        super(store, recorder);
        this.tickets = tickets;
        this.ticketRules = properties.tickets();
        this.selfActivate = properties.activation().selfActivate();
        this.roles = roles;
        this.pim = pim;
        this.closedTickets = closedTickets;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        Map<String, Object> details = new LinkedHashMap<>();
        String reason = check(a, details, execution);
        // transient: the gateway right after reads it in this transaction; nothing later needs it stored
        execution.setVariable(Vars.REQUEST_VALID, Variables.booleanValue(reason == null, true));
        if (reason != null) {
            execution.setVariable(Vars.DENY_REASON, reason);
        }
        recorder.validated(a, reason == null, reason, details);
    }

    private String check(Activation a, Map<String, Object> details, DelegateExecution execution) {
        if (closedTickets.isClosed(a.ticketSystem(), a.ticketNumber())) {
            return Reason.TICKET_CLOSED.wire();
        }
        if (ticketRules.requireOpen() || ticketRules.requireAssignee()) {
            Tickets.Ticket ticket =
                    tickets.find(a.ticketSystem(), a.ticketNumber()).orElse(null);
            details.put("ticketState", ticket == null ? "unknown" : ticket.state());
            if (ticketRules.requireOpen() && (ticket == null || !ticket.open())) {
                return Reason.TICKET_NOT_OPEN.wire();
            }
            if (ticketRules.requireAssignee()
                    && (ticket == null
                            || !ticket.assignees().contains(a.principalId().toLowerCase(Locale.ROOT)))) {
                return Reason.NOT_AN_ASSIGNEE.wire();
            }
        }
        Optional<Activation> holder = store.activeHolder(a);
        if (holder.isPresent()) {
            details.put("activeActivationId", holder.get().id());
            return Reason.ROLE_ACTIVE_FOR_ANOTHER_TICKET.wire() + ": "
                    + holder.get().ticketSystem() + " " + holder.get().ticketNumber();
        }
        try {
            RoleDefinition role = roles.role(a.roleDefinitionId());
            store.roleResolved(a.id(), role.displayName());
            execution.setVariable(Vars.ROLE_DISPLAY_NAME, role.displayName());
            details.put("roleDisplayName", role.displayName());

            Eligibility eligibility = pim.eligibility(a.principalId(), a.roleDefinitionId(), a.directoryScopeId());
            if (!eligibility.eligible()) {
                return Reason.NOT_ELIGIBLE.wire();
            }
            details.put("eligibleVia", eligibility.via());
            if (eligibility.viaDisplayName() != null) {
                details.put("eligibleViaGroup", eligibility.viaDisplayName());
            }

            ActivationPolicy policy = roles.policy(a.roleDefinitionId());
            Duration requested = Duration.parse(a.requestedDuration());
            details.put("policyMaximumDuration", String.valueOf(policy.maximumDuration()));
            if (policy.maximumDuration() != null && requested.compareTo(policy.maximumDuration()) > 0) {
                return Reason.DURATION_EXCEEDS_POLICY.wire() + ": " + a.requestedDuration() + " > "
                        + policy.maximumDuration();
            }
            if (policy.justificationRequired()
                    && (a.justification() == null || a.justification().isBlank())) {
                return Reason.JUSTIFICATION_REQUIRED.wire();
            }
            if (policy.ticketRequired()
                    && (a.ticketNumber() == null || a.ticketNumber().isBlank())) {
                return Reason.TICKET_REQUIRED.wire();
            }
            if (policy.approval().required()) {
                details.put("approvalStages", policy.approval().stages().size());
                if (selfActivate) {
                    // PIM runs the approval of a selfActivate itself; pimflow does not ask the approvers a second time
                    details.put("approvalBy", "pim");
                } else {
                    execution.setVariable(
                            Vars.APPROVAL_STAGE_COUNT,
                            policy.approval().stages().size());
                }
            }
            return null;
        } catch (PimException e) {
            if (e.kind() == PimException.Kind.DENY) {
                return e.code();
            }
            throw e;
        }
    }
}
