package dev.kpufit.flink.pipeline;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Benchmark, not a unit test (surefire's default includes skip the name; {@code npm run bench:cpu-work} runs it):
 * the CPU knob costs the CPU it says, even when its threads share cores and get descheduled mid-record. It reads
 * thread CPU time, which depends on the machine and its neighbours (SMT siblings and a loaded CI runner make each
 * step dearer), so it measures and reports; {@link CpuWorkTest} holds what is deterministic.
 */
class CpuWorkBenchmark {
    static final int MICROS = 500;
    static final int RECORDS = 1_000;

    @Test
    void eachRecordSpendsItsSettingInThreadCpuTimeWithTwoThreadsPerCore() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assertTrue(mx.isCurrentThreadCpuTimeSupported(), "this JVM measures thread CPU time");
        long steps = CpuWork.stepsFor(MICROS);
        int threads = 2 * Runtime.getRuntime().availableProcessors();
        double[] perRecordMicros = new double[threads];
        long[] wallMicros = new long[threads];
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int i = t;
            Thread w = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long wall = System.nanoTime();
                long cpu = mx.getCurrentThreadCpuTime();
                for (int r = 0; r < RECORDS; r++) {
                    CpuWork.run(steps);
                }
                perRecordMicros[i] = (mx.getCurrentThreadCpuTime() - cpu) / 1000.0 / RECORDS;
                wallMicros[i] = (System.nanoTime() - wall) / 1000 / RECORDS;
            });
            workers.add(w);
            w.start();
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        StringBuilder report = new StringBuilder();
        for (int t = 0; t < threads; t++) {
            report.append(String.format(" thread %d: %.1f us CPU, %d us wall;", t, perRecordMicros[t], wallMicros[t]));
        }
        System.out.printf("CpuWork %d us setting, %d threads on %d cores, %d steps per record:%s%n",
                MICROS, threads, Runtime.getRuntime().availableProcessors(), steps, report);
        for (int t = 0; t < threads; t++) {
            assertTrue(Math.abs(perRecordMicros[t] - MICROS) <= MICROS * 0.10,
                    "thread " + t + " spent " + perRecordMicros[t] + " us of CPU per record;" + report);
        }
    }
}
