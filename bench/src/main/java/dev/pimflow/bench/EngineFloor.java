package dev.pimflow.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pimflow.contracts.EventTypes;
import dev.pimflow.workflow.process.LeanHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.cfg.StandaloneProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.jobexecutor.DefaultJobExecutor;
import org.camunda.bpm.engine.impl.persistence.StrongUuidGenerator;

/**
 * The engine floor: a standalone Camunda 7.24 engine on the same kind of database, with the orchestrator's engine
 * settings (history level lean: process instances, incidents and operators' actions only; job executor 3..10 threads, queue 10, 10 jobs per acquisition, acquisition wait 200 ms,
 * max wait 1000 ms, lock 120 s, acquisition by due date with pimflow's index on the due date; strong UUIDs;
 * authorization on; Hikari pool of 20), running the orchestrator's BPMN with no-op delegates
 * ({@link FloorProcess}, derived from it when the floor starts). Driven through the Java API with the orchestrator's threading: N threads take
 * ticket events (start by message, close by process instance), N take MFA responses (correlate by process
 * instance), N = the orchestrator's listener concurrency (3); the job executor runs validate, activate and revoke. Same six engine transactions per lifecycle
 * as the orchestrator, none of its own work (audit chain, outbox, activation rows, Graph calls, Kafka).
 */
final class EngineFloor implements Workload.Driver {
    /**
     * What the process's expressions read besides its variables, as the orchestrator configures them by default
     * (the defaults of workflow's PimProperties): the retry cycles ({@code ${retryCycles.validate}}, {@code pim.retry})
     * and the MFA timer ({@code ${issueMfaChallenge.timeout}}, {@code pim.mfa.challenge-timeout}). The bench runs
     * without Spring, so they are written here; FloorProcessTest fails when they differ from the orchestrator's.
     */
    static final Map<Object, Object> CONFIGURATION = Map.of(
            "retryCycles", Map.of("validate", "R3/PT10S", "activate", "R5/PT30S", "revoke", "R10080/PT1M"),
            "issueMfaChallenge", Map.of("timeout", "PT5M"));

    private static volatile EngineFloor current;

    private final Tracker tracker;
    private final HikariDataSource dataSource;
    private final ProcessEngine engine;
    private final RuntimeService runtime;
    private final ExecutorService ticketEvents;
    private final ExecutorService mfaResponses;
    final Map<String, Object> settings = new LinkedHashMap<>();
    /** Requested durations by ticket: the orchestrator keeps them in its activation row, not in a process variable. */
    private final Map<String, Duration> durations = new java.util.concurrent.ConcurrentHashMap<>();

    EngineFloor(Database db, Tracker tracker, int ingestThreads) {
        this.tracker = tracker;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(db.url);
        hc.setUsername(db.user);
        hc.setPassword(db.password);
        hc.setMaximumPoolSize(20); // spring.datasource.hikari.maximum-pool-size
        hc.setAutoCommit(false);
        dataSource = new HikariDataSource(hc);
        StandaloneProcessEngineConfiguration cfg = new StandaloneProcessEngineConfiguration();
        cfg.setProcessEngineName("floor-" + UUID.randomUUID());
        cfg.setDataSource(dataSource);
        cfg.setDatabaseSchemaUpdate("true");
        cfg.setCustomHistoryLevels(List.of(LeanHistory.LEVEL));
        cfg.setHistory(LeanHistory.LEVEL.getName()); // camunda.bpm.history-level
        cfg.setBeans(CONFIGURATION);
        cfg.setIdGenerator(new StrongUuidGenerator());
        cfg.setAuthorizationEnabled(true);
        cfg.setEnforceHistoryTimeToLive(false);
        DefaultJobExecutor jobs = new DefaultJobExecutor();
        jobs.setCorePoolSize(3);
        jobs.setMaxPoolSize(10);
        jobs.setQueueSize(10);
        jobs.setMaxJobsPerAcquisition(10);
        jobs.setWaitTimeInMillis(200);
        jobs.setMaxWait(1000);
        jobs.setLockTimeInMillis(120_000);
        cfg.setJobExecutor(jobs);
        cfg.setJobExecutorActivate(true);
        cfg.setEnsureJobDueDateNotNull(true);
        cfg.setJobExecutorAcquireByDueDate(true);
        cfg.setJobExecutorAcquireByPriority(true); // as the orchestrator (JobAcquisitionByDueDate)
        settings.put("jdbcUrl", db.url);
        settings.put("history", LeanHistory.LEVEL.getName());
        settings.put(
                "jobExecutor",
                "core 3, max 10, queue 10, maxJobsPerAcquisition " + jobs.getMaxJobsPerAcquisition()
                        + ", wait 200 ms, maxWait 1000 ms, lock 120000 ms, acquire by priority then due date (indexes on DUEDATE_ and PRIORITY_, DUEDATE_)");
        settings.put("idGenerator", "StrongUuidGenerator");
        settings.put("authorization", true);
        settings.put("jdbcBatchProcessing", cfg.isJdbcBatchProcessing());
        settings.put("hikariMaximumPoolSize", 20);
        settings.put("ingestThreads", ingestThreads);
        current = this;
        engine = cfg.buildProcessEngine();
        // the orchestrator's JobAcquisitionByDueDate adds these indexes after the engine created its schema
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE INDEX IF NOT EXISTS PIMFLOW_IDX_JOB_DUEDATE ON ACT_RU_JOB (DUEDATE_)");
            st.execute(
                    "CREATE INDEX IF NOT EXISTS PIMFLOW_IDX_JOB_PRIORITY_DUEDATE ON ACT_RU_JOB (PRIORITY_ DESC, DUEDATE_)");
            c.commit();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not create the job due-date index: " + e.getMessage(), e);
        }
        engine.getRepositoryService()
                .createDeployment()
                .addModelInstance(FloorProcess.RESOURCE_NAME, FloorProcess.derive())
                .deploy();
        runtime = engine.getRuntimeService();
        ticketEvents = Executors.newFixedThreadPool(ingestThreads, r -> new Thread(r, "floor-ticket-events"));
        mfaResponses = Executors.newFixedThreadPool(ingestThreads, r -> new Thread(r, "floor-mfa-responses"));
    }

    @Override
    public String name() {
        return "engine-floor";
    }

    @Override
    public void request(Tracker.Rec r, Duration duration) {
        tracker.requested(r);
        durations.put(r.ticket, duration);
        ticketEvents.execute(() -> guarded(r, () -> {
            Map<String, Object> vars = new HashMap<>();
            vars.put("activationId", UUID.randomUUID().toString());
            vars.put("ticketSystem", Workload.TICKET_SYSTEM);
            vars.put("principalId", r.principal);
            vars.put("roleDefinitionId", Workload.USER_ADMINISTRATOR);
            runtime.createMessageCorrelation(EventTypes.TICKET_ACTIVATION_REQUESTED)
                    .processInstanceBusinessKey(r.ticket)
                    .setVariables(vars)
                    .correlateStartMessage();
        }));
    }

    private void challengeCommitted(String ticket, String processInstanceId, String challengeId) {
        Tracker.Rec r = tracker.get(ticket);
        if (r == null || !tracker.challenged(r, challengeId, processInstanceId)) {
            return;
        }
        tracker.approved(r);
        mfaResponses.execute(() -> guarded(
                r,
                () -> runtime.createMessageCorrelation(EventTypes.MFA_RESPONSE)
                        .processInstanceId(processInstanceId)
                        .setVariable("mfaApproved", true)
                        .correlateWithResult()));
    }

    @Override
    public void close(Tracker.Rec r) {
        tracker.closed(r);
        // r.activationId holds the floor's process instance id (see challengeCommitted)
        ticketEvents.execute(() -> guarded(
                r,
                () -> runtime.createMessageCorrelation(EventTypes.TICKET_CLOSED)
                        .processInstanceId(r.activationId)
                        .correlateAllWithResult()));
    }

    private void guarded(Tracker.Rec r, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            tracker.failed(r, "engine: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        ticketEvents.shutdownNow();
        mfaResponses.shutdownNow();
        engine.close();
        dataSource.close();
    }

    private static void afterCommit(Runnable r) {
        Context.getCommandContext()
                .getTransactionContext()
                .addTransactionListener(TransactionState.COMMITTED, ctx -> r.run());
    }

    // ------------------------------------------------------------------ no-op delegates (FloorProcess.DELEGATES)

    public static final class Validate implements JavaDelegate {
        @Override
        public void execute(DelegateExecution execution) {
            execution.setVariable("roleDisplayName", "User Administrator");
            execution.setVariable(
                    "requestValid",
                    org.camunda.bpm.engine.variable.Variables.booleanValue(
                            true, true)); // transient, as in the orchestrator
        }
    }

    public static final class IssueChallenge implements JavaDelegate {
        @Override
        public void execute(DelegateExecution execution) {
            String challengeId = UUID.randomUUID().toString();
            String ticket = execution.getProcessBusinessKey();
            String pid = execution.getProcessInstanceId();
            afterCommit(() -> current.challengeCommitted(ticket, pid, challengeId));
        }
    }

    public static final class Activate implements JavaDelegate {
        @Override
        public void execute(DelegateExecution execution) {
            Duration d = current.durations.get(execution.getProcessBusinessKey());
            Instant end = Instant.now().plus(d);
            execution.setVariable("endDateTime", Date.from(end));
            String ticket = execution.getProcessBusinessKey();
            afterCommit(() -> {
                Tracker.Rec r = current.tracker.get(ticket);
                if (r != null) {
                    current.tracker.active(r, end.toEpochMilli());
                }
            });
        }
    }

    public static final class Revoke implements JavaDelegate {
        @Override
        public void execute(DelegateExecution execution) {
            String ticket = execution.getProcessBusinessKey();
            String reason = String.valueOf(execution.getVariable("revokeReason"));
            afterCommit(() -> {
                Tracker.Rec r = current.tracker.get(ticket);
                if (r != null) {
                    current.tracker.revoked(r, reason, System.currentTimeMillis());
                }
            });
        }
    }

    public static final class NoOp implements JavaDelegate {
        @Override
        public void execute(DelegateExecution execution) {}
    }

    /** In place of the orchestrator's task listeners (the approval task, which the floor's requests never reach). */
    public static final class NoOpTaskListener implements org.camunda.bpm.engine.delegate.TaskListener {
        @Override
        public void notify(org.camunda.bpm.engine.delegate.DelegateTask task) {}
    }
}
