package dev.pimflow.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine and its processes: cores, memory, load, CPU time per process (from /proc), free ports, external commands. */
final class Env {
    private Env() {}

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Milliseconds a fixed single-threaded computation takes (SHA-256 over 32 MiB, best of 5): the machine's speed
     * at that moment. On a burstable or shared VM it changes during a session (this bench's machine took from 0.44 to
     * 0.69 s for the same loop within ten minutes of load), so figures from different runs are compared with it.
     */
    static double cpuCalibrationMs() {
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31);
        }
        double best = Double.MAX_VALUE;
        try {
            for (int round = 0; round < 5; round++) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long t0 = System.nanoTime();
                for (int i = 0; i < 32; i++) {
                    sha.update(block);
                }
                sha.digest();
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return round(best);
    }

    static Map<String, Object> machine(String javaCommand) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        m.put("memTotalMiB", memTotalKiB() / 1024);
        m.put("cpuModel", cpuModel());
        m.put("kernel", run(List.of("uname", "-r"), 5).trim());
        m.put("javaVersion", run(List.of(javaCommand, "-version"), 20).trim());
        m.put("benchJvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put(
                "postgres",
                run(List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "select version()"), 10)
                        .trim());
        return m;
    }

    private static long memTotalKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return -1;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return "unknown";
    }

    /** Runs a command, returns stdout+stderr (or the error), never throws. */
    static String run(List<String> command, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            return new String(out, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "(" + String.join(" ", command) + " failed: " + e.getMessage() + ")";
        }
    }

    static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static final long CLOCK_TICKS = clockTicks();

    private static long clockTicks() {
        try {
            return Long.parseLong(run(List.of("getconf", "CLK_TCK"), 5).trim());
        } catch (RuntimeException e) {
            return 100;
        }
    }

    /** User+system CPU milliseconds of a process, -1 if gone. */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 1000 / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long benchCpuMillis() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getProcessCpuTime() / 1_000_000;
    }

    /** CPU milliseconds of every process whose name starts with {@code prefix} (e.g. all PostgreSQL backends). */
    static long cpuMillisOfAll(String prefix) {
        long sum = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(d.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.startsWith(prefix)) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLOCK_TICKS;
                    }
                } catch (IOException | RuntimeException ignored) {
                    // process ended meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }

    /** [busy, total] jiffies of the whole machine since boot (/proc/stat), to tell how busy the cores were. */
    static long[] machineJiffies() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** A snapshot of CPU counters, to difference over a measurement window. */
    record Cpu(long atNanos, long orchestratorMs, long benchMs, long postgresMs, long machineBusy, long machineTotal) {
        static Cpu now(long orchestratorPid) {
            long[] m = machineJiffies();
            return new Cpu(
                    System.nanoTime(),
                    orchestratorPid > 0 ? cpuMillis(orchestratorPid) : 0,
                    benchCpuMillis(),
                    cpuMillisOfAll("postgres"),
                    m[0],
                    m[1]);
        }

        Map<String, Object> since(Cpu before, long lifecycles) {
            Map<String, Object> m = new LinkedHashMap<>();
            double wallS = (atNanos - before.atNanos) / 1e9;
            m.put("wallSeconds", round(wallS));
            put(m, "orchestrator", orchestratorMs - before.orchestratorMs, wallS, lifecycles);
            put(m, "benchJvm", benchMs - before.benchMs, wallS, lifecycles);
            put(m, "allPostgresProcesses", postgresMs - before.postgresMs, wallS, lifecycles);
            long busy = machineBusy - before.machineBusy;
            long total = machineTotal - before.machineTotal;
            m.put("machineBusyPercentOfAllCores", total > 0 ? round(100.0 * busy / total) : null);
            return m;
        }

        private static void put(Map<String, Object> m, String name, long ms, double wallS, long lifecycles) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("cpuSeconds", round(ms / 1000.0));
            e.put("cores", round(ms / 1000.0 / wallS));
            e.put("cpuMsPerLifecycle", lifecycles > 0 ? round((double) ms / lifecycles) : null);
            m.put(name, e);
        }
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static List<String> splitOpts(String opts) {
        List<String> out = new ArrayList<>();
        if (opts != null) {
            for (String s : opts.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
