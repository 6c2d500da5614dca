package dev.pimflow.workflow.security;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.history.event.HistoryEvent;
import org.camunda.bpm.engine.impl.history.event.UserOperationLogEntryEventEntity;
import org.camunda.bpm.engine.impl.history.handler.HistoryEventHandler;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Least privilege inside the engine (DESIGN §6.8). People reach Camunda through engine REST, Cockpit, Tasklist and
 * Camunda Admin; whatever authorizations they hold (the admin holds all, and can grant any), none of them may:
 * <ul>
 * <li>correlate the process's messages or signals, set, patch or remove its variables, start, modify, migrate,
 * restart, suspend or delete its instances, or move its timers: the process moves only on what pimflow itself
 * verified (an MFA approval, a ticket event, a revoke through the product API, which is audited);</li>
 * <li>deploy or delete deployments and definitions: pimflow deploys its own process at startup, and a deployment is
 * code execution (an expression can call any Java method);</li>
 * <li>set a job's retries to 0 (a revocation or an end-of-duration timer with no retries never runs), or give it a
 * new due date with its retries;</li>
 * <li>delete history or the user operation log, change history time to live, or engine properties.</li>
 * </ul>
 * A refused operation is audited with the user and surface and answered as an {@link AuthorizationException} (engine
 * REST: 403). What people may do (job retries, incidents, annotations, users, groups, authorizations) is audited too:
 * every entry Camunda writes to its user operation log becomes one pimflow audit record per operation.
 * <p>
 * The application's own calls (listeners, the job executor, the product API's revoke) carry no engine authentication
 * and are not affected. The activation step checks the recorded MFA approval itself, so an operation this list
 * missed still activates nothing.
 */
@Component
public class EngineGuard extends AbstractProcessEnginePlugin {
    private static final Logger log = LoggerFactory.getLogger(EngineGuard.class);

    /** Command classes (or their base classes) no person may run, by simple name. */
    static final Set<String> REFUSED = Set.of(
            // messages and signals
            "AbstractCorrelateMessageCmd",
            "CorrelateAllMessageBatchCmd",
            "MessageEventReceivedCmd",
            "SignalEventReceivedCmd",
            "SignalCmd",
            // variables
            "AbstractSetVariableCmd",
            "AbstractPatchVariablesCmd",
            "AbstractRemoveVariableCmd",
            "SetVariablesToProcessInstancesBatchCmd",
            // instances
            "StartProcessInstanceCmd",
            "StartProcessInstanceAtActivitiesCmd",
            "SubmitStartFormCmd",
            "ModifyProcessInstanceCmd",
            "ModifyProcessInstanceAsyncCmd",
            "ProcessInstanceModificationCmd",
            "ProcessInstanceModificationBatchCmd",
            "AbstractMigrationCmd",
            "MigrateProcessInstanceCmd",
            "MigrateProcessInstanceBatchCmd",
            "AbstractRestartProcessInstanceCmd",
            "SetProcessDefinitionVersionCmd",
            "AbstractDeleteProcessInstanceCmd",
            "DeleteProcessInstancesCmd",
            "DeleteProcessInstanceBatchCmd",
            "AbstractSetStateCmd",
            "AbstractUpdateProcessInstancesSuspendStateCmd",
            "UpdateProcessInstancesSuspendStateBatchCmd",
            // timers and jobs
            "SetJobDuedateCmd",
            "RecalculateJobDuedateCmd",
            "DeleteJobCmd",
            "DeleteJobsCmd",
            // priorities: harmless while jobs are acquired by due date, a starved revocation if that ever changes
            "SetJobPriorityCmd",
            "SetJobDefinitionPriorityCmd",
            // deployments and definitions
            "DeployCmd",
            "DeleteDeploymentCmd",
            "AbstractDeleteProcessDefinitionCmd",
            "DeleteProcessDefinitionsByIdsCmd",
            "RegisterDeploymentCmd",
            "UnregisterDeploymentCmd",
            "RegisterProcessApplicationCmd",
            "UnregisterProcessApplicationCmd",
            "UpdateProcessDefinitionHistoryTimeToLiveCmd",
            // traces and the engine itself
            "DeleteUserOperationLogEntryCmd",
            "DeleteHistoricProcessInstancesCmd",
            "DeleteHistoricProcessInstancesBatchCmd",
            "SetRemovalTimeToHistoricProcessInstancesCmd",
            "DeleteHistoricVariableInstanceCmd",
            "DeleteHistoricVariableInstancesByProcessInstanceIdCmd",
            "SetPropertyCmd",
            "DeletePropertyCmd",
            "PurgeDatabaseAndCacheCmd");

    private final ObjectProvider<OperatorAudit> audit;

    public EngineGuard(ObjectProvider<OperatorAudit> audit) {
        this.audit = audit;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        Guard guard = new Guard(configuration);
        configuration.setCustomPreCommandInterceptorsTxRequired(
                with(configuration.getCustomPreCommandInterceptorsTxRequired(), guard));
        configuration.setCustomPreCommandInterceptorsTxRequiresNew(
                with(configuration.getCustomPreCommandInterceptorsTxRequiresNew(), new Guard(configuration)));
        List<HistoryEventHandler> handlers = configuration.getCustomHistoryEventHandlers() == null
                ? new ArrayList<>()
                : new ArrayList<>(configuration.getCustomHistoryEventHandlers());
        handlers.add(new OperationLogToAudit());
        configuration.setCustomHistoryEventHandlers(handlers);
        // a stored filter's expression is evaluated by the engine: with expressions on, a Tasklist filter is code
        // execution
        configuration.setEnableExpressionsInStoredQueries(false);
        configuration.setEnableExpressionsInAdhocQueries(false);
    }

    private static List<CommandInterceptor> with(List<CommandInterceptor> existing, CommandInterceptor added) {
        List<CommandInterceptor> all = existing == null ? new ArrayList<>() : new ArrayList<>(existing);
        all.add(0, added);
        return all;
    }

    static boolean refused(Object command) {
        // a job with no retries left never runs: a revocation or an end-of-duration timer set to 0 would keep the role
        if (command.getClass().getSimpleName().contains("RetriesCmd")
                || command.getClass().getSimpleName().contains("RetriesBatchCmd")
                || command.getClass().getSimpleName().contains("RetriesByProcessBatchCmd")) {
            // and a new due date with the retries would move the job (a revocation postponed is access kept)
            return Integer.valueOf(0).equals(field(command, "retries"))
                    || Boolean.TRUE.equals(field(command, "isDueDateSet"));
        }
        // an approval stage's task is completed with its form's fields only: completing a task sets its variables on
        // the process, which would otherwise be a way to set any variable (DESIGN §9.3)
        String name = command.getClass().getSimpleName();
        if (name.equals("CompleteTaskCmd") || name.equals("ResolveTaskCmd")) {
            return !onlyFormFields(field(command, "variables"));
        }
        if (name.equals("SubmitTaskFormCmd")) {
            return !onlyFormFields(field(command, "properties"));
        }
        for (Class<?> c = command.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (REFUSED.contains(c.getSimpleName())) {
                return true;
            }
        }
        return false;
    }

    /** The variables a person may give when completing an approval stage's task: its form's fields. */
    static final Set<String> TASK_FORM_FIELDS = Set.of(
            "approved",
            "approverJustification",
            "requestTicket",
            "requestRole",
            "requestDuration",
            "requestJustification",
            "requester");

    private static boolean onlyFormFields(Object variables) {
        return variables == null || (variables instanceof Map<?, ?> map && TASK_FORM_FIELDS.containsAll(map.keySet()));
    }

    /** The process instance a command names, where it names one in a field (best effort, for the audit record). */
    static String processInstanceOf(Object command) {
        Object builder = field(command, "builder");
        for (Object o : new Object[] {command, builder}) {
            if (o == null) {
                continue;
            }
            for (String name : new String[] {"processInstanceId", "entityId"}) {
                Object v = field(o, name);
                if (v instanceof String s && !s.isBlank()) {
                    return s;
                }
            }
        }
        return null;
    }

    /** A command's field by name, looked up its class hierarchy; null when it has none or it cannot be read. */
    public static Object field(Object o, String name) {
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    private final class Guard extends CommandInterceptor {
        private final ProcessEngineConfigurationImpl configuration;

        Guard(ProcessEngineConfigurationImpl configuration) {
            this.configuration = configuration;
        }

        @Override
        public <T> T execute(Command<T> command) {
            // only a person's own call is checked: a command nested in one the person may run is the engine's or
            // pimflow's
            if (Context.getCommandContext() == null) {
                Authentication user = configuration.getIdentityService().getCurrentAuthentication();
                if (user != null && user.getUserId() != null && refused(command)) {
                    String operation = command.getClass().getSimpleName();
                    String processInstanceId = processInstanceOf(command);
                    log.warn(
                            "Refused {} by user {} (process instance {}): pimflow's process moves only on what pimflow verified",
                            operation,
                            user.getUserId(),
                            processInstanceId);
                    audit.getObject()
                            .refused(user.getUserId(), user.getGroupIds(), operation, processInstanceId, Map.of());
                    throw new AuthorizationException(
                            "pimflow refuses " + operation + " to every user (DESIGN §6.8): the process "
                                    + "moves only on events pimflow verified, and deploys only its own process at startup; "
                                    + "this attempt is in the audit trail");
                }
            }
            return next.execute(command);
        }
    }

    /**
     * Turns Camunda's user operation log (written only for authenticated users: Cockpit, engine REST, Tasklist, Admin)
     * into pimflow audit records, one per operation, in the operation's own transaction.
     */
    private final class OperationLogToAudit implements HistoryEventHandler {
        @Override
        public void handleEvent(HistoryEvent event) {
            if (!(event instanceof UserOperationLogEntryEventEntity entry)
                    || entry.getUserId() == null
                    || !TransactionSynchronizationManager.isSynchronizationActive()) {
                return;
            }
            Pending pending = (Pending) TransactionSynchronizationManager.getResource(Pending.class);
            if (pending == null) {
                pending = new Pending();
                TransactionSynchronizationManager.bindResource(Pending.class, pending);
                TransactionSynchronizationManager.registerSynchronization(pending);
            }
            pending.add(entry);
        }

        @Override
        public void handleEvents(List<HistoryEvent> events) {
            events.forEach(this::handleEvent);
        }
    }

    /** The operations of one transaction, recorded just before it commits. */
    private final class Pending implements TransactionSynchronization {
        private final Map<String, Operation> operations = new LinkedHashMap<>();

        void add(UserOperationLogEntryEventEntity e) {
            String key = e.getOperationId() != null ? e.getOperationId() : e.getId();
            Operation op = operations.computeIfAbsent(key, k -> new Operation(e));
            if (e.getProperty() != null) {
                Map<String, Object> change = new LinkedHashMap<>();
                change.put("from", String.valueOf(e.getOrgValue()));
                change.put("to", String.valueOf(e.getNewValue()));
                op.changes.put(e.getProperty(), change);
            }
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            for (Operation op : operations.values()) {
                UserOperationLogEntryEventEntity e = op.first;
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("entityType", String.valueOf(e.getEntityType()));
                d.put("category", String.valueOf(e.getCategory()));
                if (e.getJobId() != null) {
                    d.put("jobId", e.getJobId());
                }
                if (e.getAnnotation() != null) {
                    d.put("annotation", e.getAnnotation());
                }
                if (!op.changes.isEmpty()) {
                    d.put("changes", op.changes);
                }
                audit.getObject().done(e.getUserId(), e.getOperationType(), e.getProcessInstanceId(), d);
            }
            operations.clear();
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(Pending.class);
        }
    }

    private static final class Operation {
        final UserOperationLogEntryEventEntity first;
        final Map<String, Object> changes = new LinkedHashMap<>();

        Operation(UserOperationLogEntryEventEntity first) {
            this.first = first;
        }
    }
}
