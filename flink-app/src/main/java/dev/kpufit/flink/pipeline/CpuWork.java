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
    private static final long SAMPLE_CPU_NANOS = 10_000_000L;
    private static final int STABLE_SAMPLES = 50;
    private static final long MAX_CALIBRATION_CPU_NANOS = 10_000_000_000L;
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
        // Until the JIT has compiled the loop fully (C2), it runs at half speed or less; in a JVM busy compiling
        // (a task manager starting a job) that can take seconds of this thread's CPU. So: sample until the rate
        // has not improved for STABLE_SAMPLES samples in a row, then take the median of those last samples.
        long chunk = 20_000L;
        long x = 1;
        double[] recent = new double[STABLE_SAMPLES];
        double best = 0;
        int sinceBest = 0;
        int samples = 0;
        long began = now(threads, cpuClock);
        while (true) {
            long start = now(threads, cpuClock);
            long done = 0;
            long elapsed;
            do {
                x = steps(x, chunk);
                done += chunk;
                elapsed = now(threads, cpuClock) - start;
            } while (elapsed < SAMPLE_CPU_NANOS);
            double rate = done / (elapsed / 1000.0);
            recent[samples++ % STABLE_SAMPLES] = rate;
            if (rate > best * 1.02) {
                best = rate;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            long spent = now(threads, cpuClock) - began;
            if (sinceBest >= STABLE_SAMPLES || spent > MAX_CALIBRATION_CPU_NANOS) {
                break;
            }
        }
        sink = x;
        double[] sorted = recent.clone();
        java.util.Arrays.sort(sorted);
        double median = (sorted[STABLE_SAMPLES / 2 - 1] + sorted[STABLE_SAMPLES / 2]) / 2;
        long spentMillis = (now(threads, cpuClock) - began) / 1_000_000;
        if (sinceBest < STABLE_SAMPLES) {
            LOG.warn("Synthetic CPU cost: the rate was still rising after {} ms of calibration; records may cost less "
                    + "CPU than cost.cpu.spin.micros says", spentMillis);
        }
        LOG.info("Synthetic CPU cost calibrated: {} steps per microsecond of {} (median of the last {} of {} samples, "
                        + "{} to {}; {} ms)", String.format("%.1f", median),
                cpuClock ? "thread CPU time" : "wall-clock time (no thread CPU clock)", STABLE_SAMPLES, samples,
                String.format("%.1f", sorted[0]), String.format("%.1f", sorted[STABLE_SAMPLES - 1]), spentMillis);
        return median;
    }

    private static long now(ThreadMXBean threads, boolean cpuClock) {
        return cpuClock ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
