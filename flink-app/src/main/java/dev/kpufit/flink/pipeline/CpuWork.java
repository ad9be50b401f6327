package dev.kpufit.flink.pipeline;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A fixed amount of CPU work: {@code micros} microseconds' worth of a dependent chain of multiply/xor-shift steps
 * (each needs the previous result, and the result is published, so the JIT can neither skip nor shorten it). How
 * many steps make a microsecond is measured once per JVM, in this thread's CPU time, and logged. A record then
 * costs the same CPU whether or not its thread is descheduled halfway, unlike spinning until a wall-clock deadline,
 * which a contended core ends early.
 */
public final class CpuWork {
    private static final Logger LOG = LoggerFactory.getLogger(CpuWork.class);
    private static final long CALIBRATION_CPU_NANOS = 200_000_000L;
    private static volatile double stepsPerMicro;
    /** Where results go, so the work has an observable effect. */
    static volatile long sink;

    private CpuWork() {
    }

    /** Steps per microsecond of CPU on this machine; measured on first use. */
    public static double stepsPerMicro() {
        double s = stepsPerMicro;
        if (s > 0) {
            return s;
        }
        synchronized (CpuWork.class) {
            if (stepsPerMicro <= 0) {
                stepsPerMicro = calibrate();
            }
            return stepsPerMicro;
        }
    }

    /** Number of steps that take {@code micros} microseconds of CPU on an uncontended core. */
    public static long stepsFor(int micros) {
        return Math.max(1L, Math.round(micros * stepsPerMicro()));
    }

    public static void run(long steps) {
        sink = steps(sink, steps);
    }

    static long steps(long seed, long n) {
        long x = seed | 1L;
        for (long i = 0; i < n; i++) {
            x ^= x >>> 29;
            x *= 0xbf58476d1ce4e5b9L;
        }
        return x;
    }

    private static double calibrate() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpuClock = threads.isCurrentThreadCpuTimeSupported();
        if (cpuClock && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
        // Warm-up so the loop is JIT-compiled before it is measured.
        long chunk = 200_000L;
        long x = 1;
        for (int i = 0; i < 200; i++) {
            x = steps(x, chunk);
        }
        long start = now(threads, cpuClock);
        long done = 0;
        long elapsed;
        do {
            x = steps(x, chunk);
            done += chunk;
            elapsed = now(threads, cpuClock) - start;
        } while (elapsed < CALIBRATION_CPU_NANOS);
        sink = x;
        double perMicro = done / (elapsed / 1000.0);
        LOG.info("Synthetic CPU cost calibrated: {} steps per microsecond of {} ({} steps in {} ms)",
                String.format("%.1f", perMicro), cpuClock ? "thread CPU time" : "wall-clock time (no thread CPU clock)",
                done, elapsed / 1_000_000);
        return perMicro;
    }

    private static long now(ThreadMXBean threads, boolean cpuClock) {
        return cpuClock ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
