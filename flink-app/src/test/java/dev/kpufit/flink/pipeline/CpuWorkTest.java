package dev.kpufit.flink.pipeline;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the CPU knob guarantees regardless of the machine: a record's work is a number of steps proportional to its
 * setting, measured once per JVM, and a dependent chain the JIT cannot drop. How much CPU a step costs is the
 * machine's business and is measured by {@link CpuWorkBenchmark} ({@code npm run bench:cpu-work}).
 */
class CpuWorkTest {

    @Test
    void stepsAreProportionalToTheSetting() {
        long one = CpuWork.stepsFor(100);
        assertTrue(one > 1, "a 100 us setting takes more than one step on any machine: " + one);
        for (int micros : new int[] {200, 500, 1_000, 10_000}) {
            double exact = micros * CpuWork.stepsPerMicro();
            assertEquals(Math.round(exact), CpuWork.stepsFor(micros), "steps for " + micros + " us");
        }
    }

    @Test
    void everySettingDoesAtLeastOneStep() {
        assertEquals(1L, CpuWork.stepsFor(0));
    }

    @Test
    void theRateIsMeasuredOncePerJvm() {
        double first = CpuWork.stepsPerMicro();
        assertTrue(first > 0);
        assertEquals(first, CpuWork.stepsPerMicro(), 0.0, "a second call reuses the measurement");
    }

    @Test
    void eachStepDependsOnThePreviousOne() {
        // Zero steps return the (odd) seed; every further step changes the value, so no prefix can be skipped.
        assertEquals(7L, CpuWork.steps(7L, 0));
        long previous = CpuWork.steps(7L, 0);
        for (int n = 1; n <= 64; n++) {
            long next = CpuWork.steps(7L, n);
            assertNotEquals(previous, next, "step " + n);
            previous = next;
        }
        assertEquals(CpuWork.steps(7L, 1_000), CpuWork.steps(7L, 1_000), "the chain is deterministic");
    }

    @Test
    void runPublishesItsResult() {
        CpuWork.sink = 0;
        CpuWork.run(10);
        assertEquals(CpuWork.steps(0, 10), CpuWork.sink);
    }
}
