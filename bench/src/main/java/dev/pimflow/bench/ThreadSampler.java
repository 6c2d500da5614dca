package dev.pimflow.bench;

import com.sun.tools.attach.VirtualMachine;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A poor man's profiler of the orchestrator's working threads: attaches over JMX and, every few tens of milliseconds,
 * reads the stacks of the Kafka listener threads, the job executor, the outbox relay and the Graph simulator, and
 * counts where each one is (state, top frame, the first database/Kafka/HTTP frame, the first pimflow and Camunda frame).
 * Each count is a share of that thread group's time.
 */
final class ThreadSampler implements AutoCloseable {
    private static final String[][] GROUPS = {
        {"ticket-events", "kafka listener tickets.events"},
        {"mfa-responses", "kafka listener pim.mfa.responses"},
        {"outbox-relay", "outbox relay"},
        {"camundaTaskExecutor", "job executor workers"},
        {"JobExecutor[", "job acquisition"},
        {"graph-simulator", "graph simulator"},
        {"floor-", "engine floor driver"},
        {"pool-", "job executor workers"},
        {"plain-worker", "plain pipeline workers"},
        {"plain.", "plain pipeline consumers"},
    };
    private final JMXConnector connector;
    private final ThreadMXBean threads;
    private final com.sun.management.ThreadMXBean cpu;
    private final List<java.lang.management.GarbageCollectorMXBean> gcs = new ArrayList<>();
    private final java.lang.management.CompilationMXBean jit;
    private final Map<String, Map<String, AtomicLong>> counts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> samplesPerGroup = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean paused = true;

    /** Samples the JVM with that pid, or this JVM when pid is -1. */
    ThreadSampler(long pid, long intervalMillis) throws Exception {
        if (pid > 0) {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            String url = vm.startLocalManagementAgent();
            vm.detach();
            connector = JMXConnectorFactory.connect(new JMXServiceURL(url));
            MBeanServerConnection conn = connector.getMBeanServerConnection();
            threads = ManagementFactory.newPlatformMXBeanProxy(
                    conn, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            cpu = ManagementFactory.newPlatformMXBeanProxy(
                    conn, ManagementFactory.THREAD_MXBEAN_NAME, com.sun.management.ThreadMXBean.class);
            gcs.addAll(ManagementFactory.getPlatformMXBeans(conn, java.lang.management.GarbageCollectorMXBean.class));
            jit = ManagementFactory.newPlatformMXBeanProxy(
                    conn, ManagementFactory.COMPILATION_MXBEAN_NAME, java.lang.management.CompilationMXBean.class);
        } else {
            connector = null;
            threads = ManagementFactory.getThreadMXBean();
            cpu = (com.sun.management.ThreadMXBean) threads;
            gcs.addAll(ManagementFactory.getGarbageCollectorMXBeans());
            jit = ManagementFactory.getCompilationMXBean();
        }
        thread = new Thread(() -> loop(intervalMillis), "bench-thread-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** [GC collections, GC milliseconds (pause/cycle time as the collectors report it), JIT compilation milliseconds]. */
    long[] gcAndJit() {
        long n = 0;
        long ms = 0;
        for (var g : gcs) {
            n += Math.max(0, g.getCollectionCount());
            ms += Math.max(0, g.getCollectionTime());
        }
        return new long[] {n, ms, jit == null ? -1 : jit.getTotalCompilationTime()};
    }

    /** CPU nanoseconds per thread (by id), with the thread names (digits folded), for differencing over a window. */
    synchronized Map<Long, Object[]> cpuSnapshot() {
        Map<Long, Object[]> m = new LinkedHashMap<>();
        try {
            long[] ids = threads.getAllThreadIds();
            long[] times = cpu.getThreadCpuTime(ids);
            ThreadInfo[] infos = threads.getThreadInfo(ids, 0);
            for (int i = 0; i < ids.length; i++) {
                if (infos[i] != null && times[i] >= 0) {
                    m.put(ids[i], new Object[] {infos[i].getThreadName().replaceAll("\\d+", "#"), times[i]});
                }
            }
        } catch (Exception e) {
            System.err.println("[bench] thread CPU snapshot: " + e);
        }
        return m;
    }

    /** CPU of each thread group (names with digits folded) between two snapshots, biggest first. */
    static Map<String, Object> cpuByThreadGroup(
            Map<Long, Object[]> before, Map<Long, Object[]> after, double wallSeconds, long lifecycles, int top) {
        Map<String, Long> byGroup = new java.util.HashMap<>();
        long total = 0;
        for (var e : after.entrySet()) {
            Object[] b = before.get(e.getKey());
            long d = (Long) e.getValue()[1] - (b == null ? 0 : (Long) b[1]);
            byGroup.merge((String) e.getValue()[0], d, Long::sum);
            total += d;
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(byGroup.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("allThreads", describe(total, wallSeconds, lifecycles));
        for (var e : sorted.subList(0, Math.min(top, sorted.size()))) {
            out.put(e.getKey(), describe(e.getValue(), wallSeconds, lifecycles));
        }
        return out;
    }

    private static String describe(long nanos, double wallSeconds, long lifecycles) {
        return String.format(
                java.util.Locale.ROOT,
                "%.2f cores, %.1f ms/lifecycle",
                nanos / 1e9 / wallSeconds,
                lifecycles > 0 ? nanos / 1e6 / lifecycles : 0.0);
    }

    void resume() {
        paused = false;
    }

    void pause() {
        paused = true;
    }

    private void loop(long interval) {
        long[] ids = new long[0];
        String[] groupOf = new String[0];
        int n = 0;
        while (running) {
            try {
                Thread.sleep(interval);
                if (paused) {
                    continue;
                }
                if (n++ % 100 == 0) {
                    List<Long> keep = new ArrayList<>();
                    List<String> g = new ArrayList<>();
                    for (ThreadInfo ti : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
                        if (ti == null) {
                            continue;
                        }
                        String group = group(ti.getThreadName());
                        if (group != null) {
                            keep.add(ti.getThreadId());
                            g.add(group);
                        }
                    }
                    ids = keep.stream().mapToLong(Long::longValue).toArray();
                    groupOf = g.toArray(String[]::new);
                }
                ThreadInfo[] infos = threads.getThreadInfo(ids, 64);
                for (int i = 0; i < infos.length; i++) {
                    if (infos[i] != null) {
                        samplesPerGroup
                                .computeIfAbsent(groupOf[i], k -> new AtomicLong())
                                .incrementAndGet();
                        counts.computeIfAbsent(groupOf[i], k -> new ConcurrentHashMap<>())
                                .computeIfAbsent(signature(infos[i]), k -> new AtomicLong())
                                .incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (running) {
                    System.err.println("[bench] thread sampler: " + e);
                }
                return;
            }
        }
    }

    private static String group(String name) {
        for (String[] g : GROUPS) {
            if (name.startsWith(g[0])) {
                return g[1];
            }
        }
        return null;
    }

    /**
     * Where a thread is, coarsely: WAIT at the first meaningful frame under the park/wait (e.g. HikariPool.getConnection,
     * KafkaConsumer.poll, an H2 row lock, the job acquisition's idle wait); IO for a socket read, named by the client
     * (pgjdbc, Kafka, HTTP); CPU by the layer of the top frame (H2 engine, Camunda, MyBatis, Jackson, ...). Each followed
     * by the first pimflow frame, the step that caused it.
     */
    static String signature(ThreadInfo ti) {
        StackTraceElement[] st = ti.getStackTrace();
        if (st.length == 0) {
            return ti.getThreadState().toString();
        }
        String top = st[0].getClassName() + "." + st[0].getMethodName();
        boolean waiting = top.contains("Unsafe.park")
                || top.contains("Object.wait")
                || top.contains("Thread.sleep")
                || top.contains("Thread.yield")
                || top.endsWith(".onSpinWait");
        boolean io = false;
        for (int i = 0; i < Math.min(st.length, 12); i++) {
            String c = st[i].getClassName();
            if (c.startsWith("sun.nio.ch")
                    || c.contains("NioSocketImpl")
                    || c.contains("SocketInputStream")
                    || c.contains("EPoll")) {
                io = true;
                break;
            }
        }
        String what;
        if (waiting) {
            what = "WAIT " + firstMeaningful(st, 1);
        } else if (io) {
            what = "IO " + layer(st);
        } else {
            what = "CPU " + layer(st);
        }
        for (StackTraceElement e : st) {
            if (e.getClassName().startsWith("dev.pimflow")) {
                return what + " <- " + simple(e);
            }
        }
        return what;
    }

    private static final String[] MEANINGFUL = {
        "org.h2.mvstore.tx",
        "org.h2.",
        "org.postgresql",
        "com.zaxxer",
        "org.apache.kafka",
        "org.springframework.kafka",
        "jdk.internal.net.http",
        "java.net.http",
        "com.sun.net.httpserver",
        "sun.net.httpserver",
        "org.camunda",
        "dev.pimflow",
        "java.util.concurrent.ThreadPoolExecutor",
        "java.util.concurrent.CompletableFuture",
        "java.util.concurrent.LinkedBlockingQueue",
        "java.util.concurrent.ArrayBlockingQueue",
        "java.util.concurrent.Semaphore"
    };

    private static String firstMeaningful(StackTraceElement[] st, int from) {
        for (int i = from; i < st.length; i++) {
            String c = st[i].getClassName();
            for (String m : MEANINGFUL) {
                if (c.startsWith(m)) {
                    return simple(st[i]);
                }
            }
        }
        return simple(st[Math.min(from, st.length - 1)]);
    }

    private static String layer(StackTraceElement[] st) {
        for (StackTraceElement e : st) {
            String c = e.getClassName();
            if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")) {
                continue;
            }
            if (c.startsWith("org.h2")) {
                return "H2 engine";
            }
            if (c.startsWith("org.postgresql")) {
                return "pgjdbc (PostgreSQL)";
            }
            if (c.startsWith("org.apache.ibatis")) {
                return "MyBatis";
            }
            if (c.startsWith("org.camunda")) {
                return "Camunda";
            }
            if (c.startsWith("com.fasterxml") || c.startsWith("io.cloudevents")) {
                return "JSON/CloudEvents";
            }
            if (c.startsWith("com.networknt")) {
                return "JSON Schema validation";
            }
            if (c.startsWith("com.nimbusds")) {
                return "JWS verification";
            }
            if (c.startsWith("org.apache.kafka")) {
                return "Kafka client";
            }
            if (c.startsWith("com.zaxxer")) {
                return "Hikari";
            }
            if (c.startsWith("org.springframework")) {
                return "Spring";
            }
            if (c.startsWith("ch.qos.logback") || c.startsWith("org.slf4j")) {
                return "logging";
            }
            if (c.startsWith("dev.pimflow")) {
                return simple(e);
            }
            return c.substring(0, Math.min(c.length(), 40));
        }
        return simple(st[0]);
    }

    private static String simple(StackTraceElement e) {
        String c = e.getClassName();
        return c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName();
    }

    /** Per thread group: samples, threads' time shares of the top signatures. */
    Map<String, Object> result(int top) {
        Map<String, Object> out = new LinkedHashMap<>();
        counts.forEach((group, sigs) -> {
            long total = samplesPerGroup.get(group).get();
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("samples", total);
            List<Map.Entry<String, AtomicLong>> sorted = new ArrayList<>(sigs.entrySet());
            sorted.sort(Comparator.comparingLong(
                            (Map.Entry<String, AtomicLong> e) -> e.getValue().get())
                    .reversed());
            Map<String, Object> shares = new LinkedHashMap<>();
            for (var e : sorted.subList(0, Math.min(top, sorted.size()))) {
                shares.put(e.getKey(), Env.round(100.0 * e.getValue().get() / total) + "%");
            }
            g.put("where", shares);
            out.put(group, g);
        });
        return out;
    }

    @Override
    public void close() throws Exception {
        running = false;
        thread.interrupt();
        thread.join(2000);
        if (connector != null) {
            connector.close();
        }
    }
}
