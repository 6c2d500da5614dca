package dev.pimflow.bench;

import dev.pimflow.contracts.seed.TutorialTenant;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * What the load looks like (who asks for what, for how long, and whether the ticket closes once the role is active)
 * and how it is paced: a fixed rate (open loop) or as fast as the system absorbs (a cap on activations in flight).
 */
final class Workload {
    static final String TICKET_SYSTEM = "Bench ICM";
    static final String USER_ADMINISTRATOR = TutorialTenant.USER_ADMINISTRATOR_ROLE_ID;
    /** The simulator's seeded users (ContosoTenant): Aline and the admin through the helpdesk group, Bob once seeded. */
    static final String ALINE = TutorialTenant.ALINE_ID;

    static final String ADMIN = TutorialTenant.ADMIN_ID;
    static final String BOB = TutorialTenant.BOB_ID;

    final String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    final List<String> principals;
    /** Given the activation's index, the duration to ask for (computed when the request is sent). */
    final LongFunction<Duration> duration;

    final boolean closeOnActive;
    final Duration hold;

    Workload(List<String> principals, LongFunction<Duration> duration, boolean closeOnActive, Duration hold) {
        this.principals = principals;
        this.duration = duration;
        this.closeOnActive = closeOnActive;
        this.hold = hold;
    }

    String ticket(int i) {
        return "BENCH-" + runId + "-" + i;
    }

    String principal(int i) {
        return principals.get(i % principals.size());
    }

    /**
     * A scope of its own per activation: PIM allows one active assignment per (principal, role, scope) and the simulator
     * cannot create users, so a few principals with tenant-wide ("/") eligibility activate at many administrative units.
     */
    String scope(int i) {
        return "/administrativeUnits/" + UUID.nameUUIDFromBytes((runId + ":" + i).getBytes());
    }

    interface Driver extends AutoCloseable {
        String name();

        /** Sends (or performs) the activation request; must call tracker.requested(r) when it is sent. */
        void request(Tracker.Rec r, Duration duration);

        /** Closes the ticket; must call tracker.closed(r) when the close is sent. */
        void close(Tracker.Rec r);

        @Override
        default void close() throws Exception {}
    }

    /**
     * @param rate activations per second, 0 = as fast as the system absorbs (bounded by maxInFlight)
     * @param count stop after this many requests (0 = by duration only)
     */
    record Plan(double rate, int maxInFlight, Duration warmup, Duration duration, int count, Duration drain) {}

    /** Moments of the run (System.nanoTime) that the results are cut by. */
    record Run(long start, long warmEnd, long sendEnd, long drainEnd, int sent, boolean drained) {}

    static Run run(Tracker t, Driver driver, Workload w, Plan p, Runnable atWarmEnd, Runnable atSendEnd)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(p.maxInFlight());
        ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "bench-closer");
            th.setDaemon(true);
            return th;
        });
        t.listener = closeOnActiveAndRelease(driver, w, inFlight, closer);
        t.restart();
        Sending s = new Sending(t, driver, p);
        s.sendUntilEnd(w, inFlight, atWarmEnd);
        long actualSendEnd = System.nanoTime();
        atSendEnd.run();
        s.drainUntil(actualSendEnd + p.drain().toNanos());
        closer.shutdownNow();
        progress(t, driver, s.sent);
        return new Run(
                s.start,
                s.warmEnd,
                Math.min(s.sendEnd, actualSendEnd),
                System.nanoTime(),
                s.sent,
                t.outstanding.get() == 0);
    }

    /** Closes each ticket once its role is active (at once, or after the hold) and frees an in-flight slot when done. */
    private static Tracker.Listener closeOnActiveAndRelease(
            Driver driver, Workload w, Semaphore inFlight, ScheduledExecutorService closer) {
        return new Tracker.Listener() {
            @Override
            public void onActive(Tracker.Rec r) {
                if (w.closeOnActive) {
                    if (w.hold.isZero()) {
                        driver.close(r);
                    } else {
                        closer.schedule(() -> driver.close(r), w.hold.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
            }

            @Override
            public void onFinished(Tracker.Rec r) {
                inFlight.release();
            }
        };
    }

    /** One run's sending: the moments it is cut by, the requests sent so far, and a progress line every 5 s. */
    private static final class Sending {
        private final Tracker t;
        private final Driver driver;
        private final Plan p;
        final long start;
        final long warmEnd;
        final long sendEnd;
        private final long period;
        int sent;
        private long lastReport;

        Sending(Tracker t, Driver driver, Plan p) {
            this.t = t;
            this.driver = driver;
            this.p = p;
            start = System.nanoTime();
            warmEnd = start + p.warmup().toNanos();
            sendEnd = warmEnd + p.duration().toNanos();
            period = p.rate() > 0 ? (long) (1e9 / p.rate()) : 0;
            lastReport = start;
        }

        /**
         * Sends requests at the plan's rate (or as slots free up) until the end of the sending time or the planned
         * count; runs {@code atWarmEnd} once when the warm-up is over (at the latest when sending stops).
         */
        void sendUntilEnd(Workload w, Semaphore inFlight, Runnable atWarmEnd) throws InterruptedException {
            boolean warmed = false;
            while (true) {
                long now = System.nanoTime();
                if (!warmed && now >= warmEnd) {
                    warmed = true;
                    atWarmEnd.run();
                }
                if (now >= sendEnd || (p.count() > 0 && sent >= p.count())) {
                    break;
                }
                if (period > 0) {
                    long due = start + sent * period;
                    if (due > now) {
                        LockSupport.parkNanos(due - now);
                    }
                }
                if (!inFlight.tryAcquire(
                        Math.max(1, (sendEnd - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
                    break;
                }
                Tracker.Rec r = t.newRec(sent, w.ticket(sent), w.principal(sent), w.scope(sent));
                driver.request(r, w.duration.apply(sent));
                sent++;
                reportEvery5s();
            }
            if (!warmed) {
                atWarmEnd.run();
            }
        }

        /** Waits until every lifecycle has finished or the deadline (System.nanoTime) has passed. */
        void drainUntil(long deadline) throws InterruptedException {
            while (t.outstanding.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                reportEvery5s();
            }
        }

        private void reportEvery5s() {
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                lastReport = System.nanoTime();
                progress(t, driver, sent);
            }
        }
    }

    static void progress(Tracker t, Driver driver, int sent) {
        long revoked = t.all().stream().filter(r -> r.revoked != 0).count();
        System.out.printf(
                "[bench] %s t=%.0fs sent=%d revoked=%d active=%d outstanding=%d failed=%d load=%s%n",
                driver.name(),
                t.seconds(System.nanoTime()),
                sent,
                revoked,
                t.activeNow.get(),
                t.outstanding.get(),
                t.failures.get(),
                Env.loadAverage());
    }
}
