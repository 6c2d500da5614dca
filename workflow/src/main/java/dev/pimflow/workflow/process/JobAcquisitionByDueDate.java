package dev.pimflow.workflow.process;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Job acquisition by priority, then due date, with its indexes. Every job gets a due date
 * ({@code ensureJobDueDateNotNull}), so the acquisition query is {@code DUEDATE_ <= now} (no {@code DUEDATE_ IS NULL}
 * branch) {@code ORDER BY PRIORITY_ desc, DUEDATE_ asc}: the highest {@code camunda:jobPriority} of
 * ticket-activation.bpmn first (revocations, then activations, then validations), oldest first within a priority.
 * An index on {@code ACT_RU_JOB(DUEDATE_)} lets the database find the few due jobs among any number of future timers
 * (one per active activation) without scanning them all, then sort them; one on {@code (PRIORITY_ desc, DUEDATE_)}
 * lets PostgreSQL read a large due backlog in acquisition order and stop after a page. PostgreSQL's planner picks
 * between them (measured with 50,000 future timers: the first with a few due jobs, the second with 6,000); H2 uses
 * the first.
 * <p>
 * The index is created after the engine has created or updated its schema; jobs written without a due date by an
 * older version are given their creation time, so none is left behind.
 * <p>
 * It also points JAXP at the JDK's own {@code DatatypeFactory} (see {@link #preInit}).
 */
@Component
public class JobAcquisitionByDueDate extends AbstractProcessEnginePlugin {
    private static final Logger log = LoggerFactory.getLogger(JobAcquisitionByDueDate.class);
    static final String INDEX = "PIMFLOW_IDX_JOB_DUEDATE";
    static final String PRIORITY_INDEX = "PIMFLOW_IDX_JOB_PRIORITY_DUEDATE";

    /** JAXP's lookup key for the {@link javax.xml.datatype.DatatypeFactory} implementation, and the JDK's own one. */
    static final String DATATYPE_FACTORY = "javax.xml.datatype.DatatypeFactory";

    static final String JDK_DATATYPE_FACTORY = "com.sun.org.apache.xerces.internal.jaxp.datatype.DatatypeFactoryImpl";

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        // Camunda's DurationHelper calls DatatypeFactory.newInstance() for every timer and every async job's retry
        // cycle; without this property each call searches the class path for a service provider, which in the
        // packaged jar means every nested jar (measured: 5-8 % of the listener and job threads' CPU, bench/README.md)
        if (System.getProperty(DATATYPE_FACTORY) == null) {
            System.setProperty(DATATYPE_FACTORY, JDK_DATATYPE_FACTORY);
        }
        configuration.setEnsureJobDueDateNotNull(true);
        configuration.setJobExecutorAcquireByDueDate(true);
        // highest camunda:jobPriority first (ticket-activation.bpmn: revocations, then activations, then validations),
        // by due date within a priority: ORDER BY PRIORITY_ desc, DUEDATE_ asc
        configuration.setJobExecutorAcquireByPriority(true);
    }

    @Override
    public void postProcessEngineBuild(ProcessEngine engine) {
        ProcessEngineConfigurationImpl configuration =
                (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
        JdbcTemplate jdbc = new JdbcTemplate(configuration.getDataSource());
        String prefix = configuration.getDatabaseTablePrefix() == null ? "" : configuration.getDatabaseTablePrefix();
        jdbc.execute("CREATE INDEX IF NOT EXISTS " + INDEX + " ON " + prefix + "ACT_RU_JOB (DUEDATE_)");
        jdbc.execute("CREATE INDEX IF NOT EXISTS " + PRIORITY_INDEX + " ON " + prefix
                + "ACT_RU_JOB (PRIORITY_ DESC, DUEDATE_)");
        int dated = jdbc.update("UPDATE " + prefix
                + "ACT_RU_JOB SET DUEDATE_ = COALESCE(CREATE_TIME_, CURRENT_TIMESTAMP) WHERE DUEDATE_ IS NULL");
        if (dated > 0) {
            log.info("Gave {} job(s) without a due date their creation time, for acquisition by due date", dated);
        }
    }
}
