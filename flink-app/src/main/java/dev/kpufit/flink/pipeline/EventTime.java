package dev.kpufit.flink.pipeline;

import dev.kpufit.flink.config.JobSettings;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import dev.kpufit.flink.source.Malformed;
import org.apache.flink.types.Either;

import java.time.Duration;

/**
 * Bounded out-of-orderness watermarks with idleness, so a quiet shard does not stall the windows. The strategy is
 * handed to the source ({@code fromSource}), which runs one generator per split (Kinesis shard) and forwards the
 * minimum over its active splits: each shard's records are judged against that shard's own progress.
 */
public final class EventTime {
    static final long FIRST_RECORD_GRACE_FACTOR = 4;
    static final long FIRST_RECORD_GRACE_MIN_MILLIS = 60_000L;

    private EventTime() {
    }

    /**
     * For records decoded in the source. A malformed record has no event time: it gets {@code Long.MIN_VALUE},
     * which never advances a generator (they keep the maximum), and is diverted to errors/malformed downstream.
     */
    public static <T> WatermarkStrategy<Either<Malformed, T>> forDecoded(JobSettings job,
                                                                        SerializableTimestampAssigner<T> timestamp,
                                                                        WatermarkMode mode) {
        SerializableTimestampAssigner<Either<Malformed, T>> decoded = (record, previous) ->
                record.isRight() ? timestamp.extractTimestamp(record.right(), previous) : Long.MIN_VALUE;
        return strategy(job, decoded, mode);
    }

    public static <T> WatermarkStrategy<T> strategy(JobSettings job, SerializableTimestampAssigner<T> timestamp,
                                                    WatermarkMode mode) {
        long bound = job.maxOutOfOrdernessMillis;
        long idleness = job.idlenessMillis;
        WatermarkStrategy<T> base = WatermarkStrategy.forGenerator(ctx -> {
            WatermarkGenerator<T> watermarks = mode == WatermarkMode.PER_EVENT
                    ? new PerEventBoundedOutOfOrderness<>(bound)
                    : new BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(bound));
            return idleness > 0 ? new ShardIdleness<>(watermarks, idleness, System::nanoTime) : watermarks;
        });
        return base.withTimestampAssigner(timestamp);
    }

    /**
     * Idleness per shard, like Flink's {@code withIdleness}, except before the shard's first record since it was
     * assigned (a start or a restore): then the timeout is {@link #FIRST_RECORD_GRACE_FACTOR} times longer, at
     * least {@link #FIRST_RECORD_GRACE_MIN_MILLIS}. A shard whose first batch is slow to come (a slow first
     * GetRecords, or a fetcher busy with the other shards' backlog under backpressure) would otherwise be declared
     * idle, the other shards would move the watermark on without it, and its backlog would arrive late. A shard
     * that stays empty still goes idle, after the grace.
     */
    static final class ShardIdleness<T> implements WatermarkGenerator<T> {
        private final WatermarkGenerator<T> watermarks;
        private final long idleNanos;
        private final long firstRecordIdleNanos;
        private final java.util.function.LongSupplier clock;
        private long lastActivity;
        private boolean seenRecord;

        ShardIdleness(WatermarkGenerator<T> watermarks, long idleMillis, java.util.function.LongSupplier clock) {
            this.watermarks = watermarks;
            this.idleNanos = idleMillis * 1_000_000L;
            this.firstRecordIdleNanos = Math.max(idleMillis * FIRST_RECORD_GRACE_FACTOR, FIRST_RECORD_GRACE_MIN_MILLIS)
                    * 1_000_000L;
            this.clock = clock;
            this.lastActivity = clock.getAsLong();
        }

        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
            seenRecord = true;
            lastActivity = clock.getAsLong();
            watermarks.onEvent(event, eventTimestamp, output);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long timeout = seenRecord ? idleNanos : firstRecordIdleNanos;
            if (clock.getAsLong() - lastActivity > timeout) {
                output.markIdle();
            } else {
                watermarks.onPeriodicEmit(output);
            }
        }
    }

    /** Same watermark as Flink's BoundedOutOfOrdernessWatermarks, emitted on every event instead of periodically. */
    static final class PerEventBoundedOutOfOrderness<T> implements WatermarkGenerator<T> {
        private final long bound;
        private long maxTimestamp;

        PerEventBoundedOutOfOrderness(long bound) {
            this.bound = bound;
            this.maxTimestamp = Long.MIN_VALUE + bound + 1;
        }

        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
            maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
            output.emitWatermark(new Watermark(maxTimestamp - bound - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(maxTimestamp - bound - 1));
        }
    }
}
