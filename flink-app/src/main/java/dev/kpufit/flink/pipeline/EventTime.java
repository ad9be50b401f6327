package dev.kpufit.flink.pipeline;

import dev.kpufit.flink.config.JobSettings;
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
        Duration bound = Duration.ofMillis(job.maxOutOfOrdernessMillis);
        WatermarkStrategy<T> base = mode == WatermarkMode.PER_EVENT
                ? WatermarkStrategy.forGenerator(ctx -> new PerEventBoundedOutOfOrderness<>(bound.toMillis()))
                : WatermarkStrategy.forBoundedOutOfOrderness(bound);
        base = base.withTimestampAssigner(timestamp);
        return job.idlenessMillis > 0 ? base.withIdleness(Duration.ofMillis(job.idlenessMillis)) : base;
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
