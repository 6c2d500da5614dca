package dev.pimflow.workflow.activation;

import static dev.pimflow.workflow.security.EngineGuard.field;

import dev.pimflow.workflow.store.Approvals;
import dev.pimflow.workflow.store.Approvals.Approval;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A person completing an approval stage's task (Tasklist, engine REST) is deciding it (DESIGN §9.3): before the engine
 * runs the completion, the decision goes through {@link ApprovalDecisions} like any other channel's (the login's
 * directory identity is one of the stage's approvers, not the requester, the stage is pending, the justification is
 * there) and is recorded in the same transaction as the completion. A refusal is audited and answered before the engine
 * moves: engine REST says 403 (who) or 400 (what). The task's complete listener ({@link ApprovalTaskListener}) then only
 * lets a completion through whose decision pimflow recorded.
 */
@Component
public class ApprovalTaskGuard extends AbstractProcessEnginePlugin {
    private final ObjectProvider<Approvals> approvals;
    private final ObjectProvider<ApprovalDecisions> decisions;
    private final ObjectProvider<ApproverIdentity> identities;
    private final ObjectProvider<PlatformTransactionManager> transactions;

    public ApprovalTaskGuard(
            ObjectProvider<Approvals> approvals,
            ObjectProvider<ApprovalDecisions> decisions,
            ObjectProvider<ApproverIdentity> identities,
            ObjectProvider<PlatformTransactionManager> transactions) {
        this.approvals = approvals;
        this.decisions = decisions;
        this.identities = identities;
        this.transactions = transactions;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        List<CommandInterceptor> pre = configuration.getCustomPreCommandInterceptorsTxRequired() == null
                ? new ArrayList<>()
                : new ArrayList<>(configuration.getCustomPreCommandInterceptorsTxRequired());
        pre.add(new Guard(configuration));
        configuration.setCustomPreCommandInterceptorsTxRequired(pre);
    }

    private final class Guard extends CommandInterceptor {
        private final ProcessEngineConfigurationImpl configuration;

        Guard(ProcessEngineConfigurationImpl configuration) {
            this.configuration = configuration;
        }

        @Override
        public <T> T execute(Command<T> command) {
            String name = command.getClass().getSimpleName();
            boolean completion = name.equals("CompleteTaskCmd") || name.equals("SubmitTaskFormCmd");
            Authentication user = configuration.getIdentityService().getCurrentAuthentication();
            if (!completion || Context.getCommandContext() != null || user == null || user.getUserId() == null) {
                return next.execute(command);
            }
            Object taskId = field(command, "taskId");
            Optional<Approval> stage =
                    taskId == null ? Optional.empty() : approvals.getObject().byTask(taskId.toString());
            if (stage.isEmpty()) {
                return next.execute(command); // not an approval stage's task (the listener refuses what is left)
            }
            Object given = field(command, name.equals("CompleteTaskCmd") ? "variables" : "properties");
            Map<?, ?> variables = given instanceof Map<?, ?> map ? map : Map.of();
            Object approved = variables.get(ApprovalTaskListener.APPROVED);
            Object justification = variables.get(ApprovalTaskListener.APPROVER_JUSTIFICATION);
            if (!(approved instanceof Boolean decision)) {
                throw new BadUserRequestException("approved: required, true to approve or false to deny");
            }
            if (justification != null && !(justification instanceof String)) {
                throw new BadUserRequestException("approverJustification: must be text");
            }
            String login = user.getUserId();
            String approver = identities.getObject().of(login).orElse(null);
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("login", login);
            evidence.put("ref", taskId.toString());
            TransactionTemplate tx = new TransactionTemplate(transactions.getObject());
            return tx.execute(status -> {
                ApprovalDecisions.Outcome outcome = decisions
                        .getObject()
                        .decideInTask(stage.get(), approver, decision, (String) justification, login, evidence);
                if (outcome instanceof ApprovalDecisions.Outcome.Refused refused) {
                    if (refused.status() == 403) {
                        throw new AuthorizationException(refused.error());
                    }
                    throw new BadUserRequestException(refused.error());
                }
                return next.execute(command);
            });
        }
    }
}
