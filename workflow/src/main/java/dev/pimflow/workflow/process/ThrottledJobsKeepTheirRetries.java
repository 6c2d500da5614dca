package dev.pimflow.workflow.process;

import dev.pimflow.pim.PimException;
import java.time.Duration;
import java.util.Date;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cmd.DefaultJobRetryCmd;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.stereotype.Component;

/**
 * A job that failed only because Graph throttled it (a {@link PimException.Kind#RETRY RETRY} failure of HTTP 429 with
 * a {@code Retry-After}) waits that long and keeps its retries: Camunda's own retry command
 * ({@link DefaultJobRetryCmd}: the activity's retry cycle, the exception shown in Cockpit) runs as for any failure,
 * except that it does not count the attempt, and the job's due date becomes now + {@code Retry-After}. Graph's quota
 * is a wait, not a fault: however long it lasts, it never turns into an incident (DESIGN §6.6). Every other failure
 * keeps Camunda's behaviour, retry cycle then incident.
 * <p>
 * Registered after every plugin's {@code preInit}, where the Spring Boot starter sets Camunda's default factory.
 */
@Component
public class ThrottledJobsKeepTheirRetries extends AbstractProcessEnginePlugin {

    @Override
    public void postInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setFailedJobCommandFactory(RetryCmd::new); // Camunda's FailedJobCommandFactory
    }

    /** How long Graph asked to wait, if this failure is Graph's throttling (429 with Retry-After); null otherwise. */
    static Duration throttledFor(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PimException e) {
                boolean throttled = e.kind() == PimException.Kind.RETRY && e.httpStatus() == 429;
                return throttled && e.retryAfter() != null ? e.retryAfter() : null;
            }
        }
        return null;
    }

    /** Camunda's retry command, which neither counts a throttled attempt nor runs it again before Retry-After. */
    static final class RetryCmd extends DefaultJobRetryCmd {
        private final Duration throttledFor;

        RetryCmd(String jobId, Throwable exception) {
            super(jobId, exception);
            this.throttledFor = throttledFor(exception);
        }

        @Override
        public Object execute(CommandContext commandContext) {
            super.execute(commandContext);
            JobEntity job = getJob();
            if (throttledFor != null && job != null) {
                job.setDuedate(new Date(ClockUtil.getCurrentTime().getTime() + throttledFor.toMillis()));
                job.unlock();
            }
            return null;
        }

        @Override
        protected boolean shouldDecrementRetriesFor(Throwable t) {
            return throttledFor == null && super.shouldDecrementRetriesFor(t);
        }
    }
}
