package dev.pimflow.bench;

import java.util.Map;

/**
 * What a phase takes at the start and at the end of its measured window, to difference afterwards: CPU of the
 * processes, PostgreSQL's counters (with a database), and the thread sampler's state (resumed for the window only) with,
 * for the orchestrator, its per-thread CPU and GC/JIT counters.
 */
final class WindowMarks {
    private final long pid;
    private final Database database;
    private final ThreadSampler sampler;
    private final boolean threadCpu;

    Env.Cpu cpu0;
    Env.Cpu cpu1;
    private Map<String, Long> pg0;
    private Map<String, Long> pg1;
    Map<Long, Object[]> threads0;
    Map<Long, Object[]> threads1;
    long[] gcJit0;
    long[] gcJit1;

    /**
     * @param pid the process measured (-1: the bench JVM)
     * @param database null: no PostgreSQL counters
     * @param sampler null: sampling is off
     * @param threadCpu also take the sampler's per-thread CPU and GC/JIT counters
     */
    WindowMarks(long pid, Database database, ThreadSampler sampler, boolean threadCpu) {
        this.pid = pid;
        this.database = database;
        this.sampler = sampler;
        this.threadCpu = threadCpu;
    }

    void atWarmEnd() {
        cpu0 = Env.Cpu.now(pid);
        if (database != null) {
            pg0 = database.pgStats();
        }
        if (sampler != null) {
            if (threadCpu) {
                threads0 = sampler.cpuSnapshot();
                gcJit0 = sampler.gcAndJit();
            }
            sampler.resume();
        }
    }

    void atSendEnd() {
        cpu1 = Env.Cpu.now(pid);
        if (database != null) {
            pg1 = database.pgStats();
        }
        if (sampler != null) {
            sampler.pause();
            if (threadCpu) {
                threads1 = sampler.cpuSnapshot();
                gcJit1 = sampler.gcAndJit();
            }
        }
    }

    Map<String, Long> pg0() {
        return pg0 == null ? Map.of() : pg0;
    }

    Map<String, Long> pg1() {
        return pg1 == null ? Map.of() : pg1;
    }
}
