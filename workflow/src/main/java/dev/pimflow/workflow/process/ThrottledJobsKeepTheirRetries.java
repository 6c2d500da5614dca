package dev.pimflow.workflow.process;

import dev.pimflow.pim.PimException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Date;
import java.util.function.BiConsumer;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
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
 * Operators see these waits as {@value #THROTTLED_JOBS} [{@code pimflow_jobs_throttled_seconds{step}}]: how many times
 * a job of each step was postponed for Graph's quota ({@code _count}), and for how long in total ({@code _sum}, the
 * {@code Retry-After}s given). They are not failures: a rising count with no incidents is the quota at work.
 * <p>
 * Registered after every plugin's {@code preInit}, where the Spring Boot starter sets Camunda's default factory.
 */
@Component
public class ThrottledJobsKeepTheirRetries extends AbstractProcessEnginePlugin {
    public static final String THROTTLED_JOBS = "pimflow.jobs.throttled";

    private final MeterRegistry registry;

    public ThrottledJobsKeepTheirRetries(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void postInit(ProcessEngineConfigurationImpl configuration) {
        // Camunda's FailedJobCommandFactory
        configuration.setFailedJobCommandFactory((jobId, exception) -> new RetryCmd(jobId, exception, this::postponed));
    }

    /** A job of {@code step} (its activity id) was postponed by {@code retryAfter} for Graph's quota. */
    void postponed(String step, Duration retryAfter) {
        Timer.builder(THROTTLED_JOBS)
                .description("Jobs postponed (retries kept) because Graph throttled them, and the Retry-After given")
                .tag("step", step == null ? "unknown" : step)
                .register(registry)
                .record(retryAfter);
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
        private final BiConsumer<String, Duration> postponed;

        RetryCmd(String jobId, Throwable exception, BiConsumer<String, Duration> postponed) {
            super(jobId, exception);
            this.throttledFor = throttledFor(exception);
            this.postponed = postponed;
        }

        @Override
        public Object execute(CommandContext commandContext) {
            super.execute(commandContext);
            JobEntity job = getJob();
            if (throttledFor != null && job != null) {
                job.setDuedate(new Date(ClockUtil.getCurrentTime().getTime() + throttledFor.toMillis()));
                job.unlock();
                String step = job.getActivityId();
                commandContext
                        .getTransactionContext()
                        .addTransactionListener(
                                TransactionState.COMMITTED, committed -> postponed.accept(step, throttledFor));
            }
            return null;
        }

        @Override
        protected boolean shouldDecrementRetriesFor(Throwable t) {
            return throttledFor == null && super.shouldDecrementRetriesFor(t);
        }
    }
}
