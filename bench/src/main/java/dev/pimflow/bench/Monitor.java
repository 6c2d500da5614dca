package dev.pimflow.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * Samples, once a second, how far the system's consumers lag and (PostgreSQL) the outbox, executable-job and
 * audit-chainer backlogs ({@code audit_pending}: records committed by their steps but not yet chained; -1 where the
 * table does not exist, as for the engine floor).
 */
final class Monitor implements AutoCloseable {
    private final List<long[]> rows = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    Monitor(Tracker t, String bootstrap, Database db, String ticketGroup, String mfaGroup) {
        thread = new Thread(
                () -> {
                    try (Admin admin = KafkaDriver.admin(bootstrap)) {
                        while (running) {
                            long s = (long) t.seconds(System.nanoTime());
                            long ticketLag = KafkaDriver.lag(admin, ticketGroup, "tickets.events");
                            long mfaLag = KafkaDriver.lag(admin, mfaGroup, "pim.mfa.responses");
                            long outbox = db.count("SELECT COUNT(*) FROM outbox");
                            long jobs = db.count(
                                    "SELECT COUNT(*) FROM act_ru_job WHERE (duedate_ IS NULL OR duedate_ <= now()) AND retries_ > 0");
                            long auditPending = db.count("SELECT COUNT(*) FROM audit_pending");
                            synchronized (rows) {
                                rows.add(new long[] {s, ticketLag, mfaLag, outbox, jobs, t.activeNow.get(), auditPending
                                });
                            }
                            Thread.sleep(1000);
                        }
                    } catch (InterruptedException ignored) {
                        // stopped
                    }
                },
                "bench-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    Map<String, Object> result() {
        Map<String, Object> m = new LinkedHashMap<>();
        synchronized (rows) {
            m.put(
                    "columns",
                    List.of(
                            "second",
                            "ticketEventsLag",
                            "mfaResponsesLag",
                            "outboxRows(pg)",
                            "executableJobs(pg)",
                            "activeSeen",
                            "auditPending(pg)"));
            long[] maxes = new long[7];
            for (long[] r : rows) {
                for (int i = 1; i < 7; i++) {
                    maxes[i] = Math.max(maxes[i], r[i]);
                }
            }
            m.put(
                    "max",
                    Map.of(
                            "ticketEventsLag",
                            maxes[1],
                            "mfaResponsesLag",
                            maxes[2],
                            "outboxRows",
                            maxes[3],
                            "executableJobs",
                            maxes[4],
                            "auditPending",
                            maxes[6]));
            m.put("perSecond", new ArrayList<>(rows));
        }
        return m;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(3000);
    }
}
