package dev.kpufit.flink.source;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.types.Either;

/**
 * Where a workload's records come from. Implementations decode inside a FLIP-27 source and hand the watermark
 * strategy to {@code fromSource}, so timestamps and watermarks are generated per split (per Kinesis shard) and
 * the subtask's watermark is the minimum over its splits: a shard read ahead of the others (a big batch after a
 * restore, a backlog on a fresh start) cannot make the others' records late.
 */
public interface RecordSource {
    <T> DataStream<Either<Malformed, T>> read(RecordDecoder<T> decoder, WatermarkStrategy<Either<Malformed, T>> watermarks);
}
