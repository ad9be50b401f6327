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
    private static final long WARM_UP_CPU_NANOS = 400_000_000L;
    private static final long SAMPLE_CPU_NANOS = 20_000_000L;
    private static final int SAMPLES = 10;
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
        long chunk = 50_000L;
        long x = 1;
        // Warm-up: thousands of calls, so the loop runs as fully compiled code (as records will) before it is
        // timed; on a busy machine the JIT's background compile can take a good part of a second.
        long warmUpEnd = now(threads, cpuClock) + WARM_UP_CPU_NANOS;
        while (now(threads, cpuClock) < warmUpEnd) {
            x = steps(x, chunk);
        }
        // The median of several samples: one disturbed by a neighbour (or by a lucky quiet moment) does not set it.
        double[] rates = new double[SAMPLES];
        long totalSteps = 0;
        for (int sample = 0; sample < SAMPLES; sample++) {
            long start = now(threads, cpuClock);
            long done = 0;
            long elapsed;
            do {
                x = steps(x, chunk);
                done += chunk;
                elapsed = now(threads, cpuClock) - start;
            } while (elapsed < SAMPLE_CPU_NANOS);
            totalSteps += done;
            rates[sample] = done / (elapsed / 1000.0);
        }
        sink = x;
        java.util.Arrays.sort(rates);
        double median = (rates[SAMPLES / 2 - 1] + rates[SAMPLES / 2]) / 2;
        LOG.info("Synthetic CPU cost calibrated: {} steps per microsecond of {} (median of {} samples from {} to {}, {} steps)",
                String.format("%.1f", median), cpuClock ? "thread CPU time" : "wall-clock time (no thread CPU clock)",
                SAMPLES, String.format("%.1f", rates[0]), String.format("%.1f", rates[SAMPLES - 1]), totalSteps);
        return median;
    }

    private static long now(ThreadMXBean threads, boolean cpuClock) {
        return cpuClock ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
