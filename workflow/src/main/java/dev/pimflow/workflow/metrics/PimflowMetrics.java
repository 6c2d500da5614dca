package dev.pimflow.workflow.metrics;

import dev.pimflow.contracts.Decision;
import dev.pimflow.contracts.Reason;
import dev.pimflow.contracts.Status;
import dev.pimflow.workflow.config.PimProperties;
import dev.pimflow.workflow.store.Activation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The activation meters operators watch (Prometheus names in brackets):
 * <ul>
 *   <li>{@value #ACTIVATIONS} [{@code pimflow_activations_total{status}}]: status transitions, one per step that set a status;</li>
 *   <li>{@value #MFA_WAIT} [{@code pimflow_mfa_wait_seconds{outcome}}]: challenge issued to decision (approved, denied, timeout);</li>
 *   <li>{@value #REQUEST_TO_ACTIVE} [{@code pimflow_request_to_active_seconds}]: request received to role active in PIM;</li>
 *   <li>{@value #REVOCATION_LAG} [{@code pimflow_revocation_lag_seconds}]: how long after its end time an expired activation was revoked;</li>
 *   <li>{@value #DLT_RECORDS} [{@code pimflow_dlt_records_total{topic,reason}}]: records sent to a dead-letter topic.</li>
 * </ul>
 * Steps run inside the transaction of a Kafka listener or a Camunda job, which may roll back and run again; what a
 * step records is therefore applied only after its transaction committed, so a retried step counts once.
 */
@Component
public class PimflowMetrics {
    public static final String ACTIVATIONS = "pimflow.activations";
    public static final String MFA_WAIT = "pimflow.mfa.wait";
    public static final String REQUEST_TO_ACTIVE = "pimflow.request.to.active";
    public static final String REVOCATION_LAG = "pimflow.revocation.lag";
    public static final String DLT_RECORDS = "pimflow.dlt.records";

    /** Every status an activation can take (DESIGN §4, plus the internal {@code requested}), pre-registered at zero. */
    static final List<String> STATUSES = Stream.of(
                    Status.REQUESTED,
                    Status.PENDING_MFA,
                    Status.ACTIVE,
                    Status.DENIED,
                    Status.REVOKED,
                    Status.CANCELLED,
                    Status.FAILED)
            .map(Status::wire)
            .toList();

    static final String REASON_INVALID = "invalid-event";
    static final String REASON_FAILED = "processing-failed";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration challengeTimeout;

    public PimflowMetrics(MeterRegistry registry, Clock clock, PimProperties properties) {
        this.registry = registry;
        this.clock = clock;
        this.challengeTimeout = properties.mfa().challengeTimeout();
        // series that exist from the start, so that rate() and increase() see the first event
        STATUSES.forEach(this::activations);
        PimProperties.Topics t = properties.topics();
        for (String dlt : List.of(t.dlt(t.tickets()), t.dlt(t.mfaResponses()))) {
            deadLetters(dlt, REASON_INVALID);
            deadLetters(dlt, REASON_FAILED);
        }
        mfaWait(Decision.APPROVED.wire());
        mfaWait(Decision.DENIED.wire());
        mfaWait("timeout");
        requestToActive();
        revocationLag();
    }

    /** An activation took {@code status}; counted once its transaction committed. */
    public void statusChanged(String status) {
        afterCommit(() -> activations(status).increment());
    }

    /**
     * The MFA decision of {@code a} (its row as it was while waiting): {@code approved}, {@code denied} or {@code timeout}.
     * The challenge was issued {@code pim.mfa.challenge-timeout} before the row's {@code challenge_expires_at}.
     */
    public void mfaDecided(Activation a, String outcome) {
        if (a.challengeExpiresAt() == null) {
            return;
        }
        Duration wait = nonNegative(Duration.between(a.challengeExpiresAt().minus(challengeTimeout), clock.instant()));
        afterCommit(() -> mfaWait(outcome).record(wait));
    }

    /** {@code a} (its row before this step) became active now: request-to-active latency from its {@code created_at}. */
    public void activated(Activation a) {
        if (a.createdAt() == null) {
            return;
        }
        Duration latency = nonNegative(Duration.between(a.createdAt(), clock.instant()));
        afterCommit(() -> requestToActive().record(latency));
    }

    /** {@code a} was revoked at {@code revokedAt}; for an expiry, how long after its end time that was. */
    public void revoked(Activation a, String reason, Instant revokedAt) {
        if (!Reason.EXPIRED.is(reason) || a.endDateTime() == null) {
            return;
        }
        Duration lag = nonNegative(Duration.between(a.endDateTime(), revokedAt));
        afterCommit(() -> revocationLag().record(lag));
    }

    /** A record goes to {@code dltTopic}: bad input ({@code invalid}) or a failure that outlived its retries. */
    public void deadLettered(String dltTopic, boolean invalid) {
        deadLetters(dltTopic, invalid ? REASON_INVALID : REASON_FAILED).increment();
    }

    private Counter activations(String status) {
        return Counter.builder(ACTIVATIONS)
                .description("Activation status transitions")
                .tag("status", status)
                .register(registry);
    }

    private Counter deadLetters(String topic, String reason) {
        return Counter.builder(DLT_RECORDS)
                .description("Records sent to a dead-letter topic")
                .tag("topic", topic)
                .tag("reason", reason)
                .register(registry);
    }

    private Timer mfaWait(String outcome) {
        return Timer.builder(MFA_WAIT)
                .description("Time from MFA challenge issued to decision")
                .tag("outcome", outcome)
                .serviceLevelObjectives(
                        seconds(5), seconds(15), seconds(30), seconds(60), seconds(120), seconds(300), seconds(600))
                .register(registry);
    }

    private Timer requestToActive() {
        return Timer.builder(REQUEST_TO_ACTIVE)
                .description("Time from activation request to role active in PIM")
                .serviceLevelObjectives(
                        seconds(5),
                        seconds(15),
                        seconds(30),
                        seconds(60),
                        seconds(120),
                        seconds(300),
                        seconds(600),
                        seconds(1800))
                .register(registry);
    }

    private Timer revocationLag() {
        return Timer.builder(REVOCATION_LAG)
                .description("Time from an activation's end to its revocation (expiries)")
                .tag("reason", Reason.EXPIRED.wire())
                .serviceLevelObjectives(
                        seconds(1), seconds(5), seconds(15), seconds(60), seconds(300), seconds(900), seconds(3600))
                .register(registry);
    }

    private static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static void afterCommit(Runnable r) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    r.run();
                }
            });
        } else {
            r.run();
        }
    }
}
