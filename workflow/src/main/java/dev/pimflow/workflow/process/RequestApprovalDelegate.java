package dev.pimflow.workflow.process;

import dev.pimflow.pim.ActivationPolicy;
import dev.pimflow.pim.ApprovalStage;
import dev.pimflow.pim.PimDirectory;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.directory.RoleCatalog;
import dev.pimflow.workflow.process.ProcessElements.Vars;
import dev.pimflow.workflow.recording.ActivationRecorder;
import dev.pimflow.workflow.store.Activation;
import dev.pimflow.workflow.store.ActivationStore;
import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Extensions;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Asks one stage of the role's approval (DESIGN §9.3): its approvers as the policy names them now (groups expanded, the
 * tenant's Privileged Role and Global Administrators when it names none) are fixed in {@code approval_request}, the
 * stage's timeout ({@code approvalStageTimeOutInDays}) and escalation time are set on its timers, and {@code
 * approval.requested} goes out. An async job: the directory is asked here, and a retry finds the stage already asked.
 */
@Component("requestApproval")
public class RequestApprovalDelegate extends ActivationDelegate {
    private final RoleCatalog roles;
    private final PimDirectory pim;
    private final Approvals approvals;
    private final PimProperties.Approvals settings;
    private final Clock clock;
    private final Extensions extensions;

    public RequestApprovalDelegate(
            ActivationStore store,
            ActivationRecorder recorder,
            RoleCatalog roles,
            PimDirectory pim,
            Approvals approvals,
            PimProperties properties,
            Clock clock,
            Extensions extensions) {
        super(store, recorder);
        this.extensions = extensions;
        this.roles = roles;
        this.pim = pim;
        this.approvals = approvals;
        this.settings = properties.approvals();
        this.clock = clock;
    }

    @Override
    protected void execute(DelegateExecution execution, Activation a) {
        int stageNo = ((Number) execution.getVariable(Vars.LOOP_COUNTER)).intValue() + 1;
        ActivationPolicy policy = roles.policy(a.roleDefinitionId());
        int stages = policy.approval().stages().size();
        if (stageNo < 1 || stageNo > stages) {
            throw new IllegalStateException("approval stage " + stageNo + " of activation " + a.id()
                    + ": the role's policy now has " + stages + " stage(s); an operator decides (cancel or retry)");
        }
        ApprovalStage stage = policy.approval().stages().get(stageNo - 1);
        Set<String> primary = pim.approverUserIds(stage.primaryApprovers());
        Set<String> escalation =
                stage.escalationEnabled() && !stage.escalationApprovers().isEmpty()
                        ? pim.approverUserIds(stage.escalationApprovers())
                        : Set.of();
        if (primary.size() + escalation.size() > settings.maxApprovers()) {
            throw new IllegalStateException("approval stage " + stageNo + " of role " + a.roleDefinitionId() + " names "
                    + (primary.size() + escalation.size()) + " approvers once its groups are expanded, more than"
                    + " pim.approvals.max-approvers (" + settings.maxApprovers() + ")");
        }
        Instant now = clock.instant();
        Instant dueAt = now.plus(settings.scaled(stage.timeout()));
        Instant escalateAt = stage.escalationEnabled() && !escalation.isEmpty()
                ? now.plus(settings.scaled(stage.escalationAfter()))
                : null;
        // an extension's stages (DESIGN §9.3, isApprovalRequiredForExtension) are asked as its round
        Object roundVar = execution.getVariable(Vars.APPROVAL_ROUND);
        int round = roundVar == null ? 0 : ((Number) roundVar).intValue();
        String duration = durationAsked(a, round, extensions);
        Approvals.Approval asked = approvals.ask(
                UUID.randomUUID().toString(),
                a.id(),
                round > 0 ? Approvals.EXTENSION : Approvals.ACTIVATION,
                round,
                stageNo,
                stages,
                stage.approverJustificationRequired(),
                dueAt,
                escalateAt,
                primary,
                escalation);
        execution.setVariableLocal(Vars.APPROVAL_ID, asked.id());
        execution.setVariableLocal(Vars.APPROVAL_DUE_AT, Date.from(asked.dueAt()));
        // without escalation the timer is set after the stage's timeout, which cancels it first: it never fires
        execution.setVariableLocal(
                Vars.APPROVAL_ESCALATE_AT,
                Date.from(
                        asked.escalateAt() != null
                                ? asked.escalateAt()
                                : asked.dueAt().plusSeconds(86_400)));
        recorder.approvalRequested(a, asked, others(approvals.approvers(asked), a.principalId()), false, duration);
    }

    /** What a stage of this round asks the approvers for: the activation's duration, or the extension's. */
    public static String durationAsked(Activation a, int round, Extensions extensions) {
        if (round == 0) {
            return a.requestedDuration();
        }
        return extensions
                .round(a.id(), round)
                .orElseThrow(() ->
                        new IllegalStateException("extension " + round + " of activation " + a.id() + " is missing"))
                .duration();
    }

    /** The approvers the request is sent to: the requester never decides their own request. */
    static Set<String> others(Set<String> approvers, String requester) {
        Set<String> out = new LinkedHashSet<>(approvers);
        out.remove(requester.toLowerCase(Locale.ROOT));
        return out;
    }
}
