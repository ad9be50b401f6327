package dev.kpufit.flink.source;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

import java.util.List;
import java.util.UUID;

/**
 * Test input for a workload pipeline: {@link SplitsSource} splits behind the same {@code fromSource} wiring as the
 * production KinesisRecords (decoder in the source, watermark strategy per split). {@code oldWiring} rebuilds what
 * the job did before: a source without watermarks and one generator for the whole subtask after it.
 */
public final class ListRecords implements RecordSource {
    private final StreamExecutionEnvironment env;
    private final List<List<String>> splits;
    private final int parallelism;
    private final String gateId;
    private final int batchSize;
    private final boolean oldWiring;

    public ListRecords(StreamExecutionEnvironment env, List<List<String>> splits, int parallelism, String gateId,
                       int batchSize, boolean oldWiring) {
        this.env = env;
        this.splits = splits;
        this.parallelism = parallelism;
        this.gateId = gateId;
        this.batchSize = batchSize;
        this.oldWiring = oldWiring;
    }

    /** One split read in list order by one source subtask (what the bounded-list tests need). */
    public static ListRecords inOrder(StreamExecutionEnvironment env, List<String> records) {
        return new ListRecords(env, List.of(records), 1, UUID.randomUUID().toString(), 100, false);
    }

    @Override
    public <T> DataStream<Either<Malformed, T>> read(RecordDecoder<T> decoder, WatermarkStrategy<Either<Malformed, T>> watermarks) {
        if (oldWiring) {
            return env.fromSource(new SplitsSource<>(splits, decoder, gateId, batchSize, false),
                            WatermarkStrategy.noWatermarks(), "test-source", decoder.producedType())
                    .setParallelism(parallelism).uid("test-source")
                    .assignTimestampsAndWatermarks(watermarks).uid("test-event-time");
        }
        return env.fromSource(new SplitsSource<>(splits, decoder, gateId, batchSize, true), watermarks, "test-source",
                        decoder.producedType())
                .setParallelism(parallelism).uid("test-source");
    }
}
