package dev.kpufit.flink.pipeline;

import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A shard goes idle after the idleness timeout, but not while its first batch since a (re)start is still due. */
class ShardIdlenessTest {
    static final long MS = 1_000_000L;

    static final class Output implements WatermarkOutput {
        boolean idle;
        long watermark = Long.MIN_VALUE;

        @Override
        public void emitWatermark(Watermark w) {
            idle = false;
            watermark = w.getTimestamp();
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }

    @Test
    void aShardWithoutItsFirstBatchIsNotIdleBeforeTheGrace() {
        AtomicLong now = new AtomicLong();
        EventTime.ShardIdleness<String> gen = new EventTime.ShardIdleness<>(
                new BoundedOutOfOrdernessWatermarks<>(Duration.ofSeconds(2)), 5_000, now::get);
        Output out = new Output();
        now.set(30_000 * MS);
        gen.onPeriodicEmit(out);
        assertFalse(out.idle, "5 s idleness, but no record yet: 60 s grace");
        now.set(61_000 * MS);
        gen.onPeriodicEmit(out);
        assertTrue(out.idle, "a shard that stays empty still goes idle");
    }

    @Test
    void afterItsFirstRecordAShardGoesIdleAfterTheIdlenessTimeout() {
        AtomicLong now = new AtomicLong();
        EventTime.ShardIdleness<String> gen = new EventTime.ShardIdleness<>(
                new BoundedOutOfOrdernessWatermarks<>(Duration.ofSeconds(2)), 5_000, now::get);
        Output out = new Output();
        gen.onEvent("r", 10_000, out);
        now.set(4_000 * MS);
        gen.onPeriodicEmit(out);
        assertFalse(out.idle);
        assertEquals(10_000 - 2_000 - 1, out.watermark);
        now.set(5_001 * MS);
        gen.onPeriodicEmit(out);
        assertTrue(out.idle);
        gen.onEvent("r", 11_000, out);
        gen.onPeriodicEmit(out);
        assertFalse(out.idle, "active again with its next record");
    }
}
