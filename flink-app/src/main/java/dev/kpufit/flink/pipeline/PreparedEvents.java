package dev.kpufit.flink.pipeline;

import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.events.EventParser;
import dev.kpufit.flink.source.Malformed;
import dev.kpufit.flink.source.RecordDecoder;
import dev.kpufit.flink.source.RecordSource;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Either;

/**
 * The front half every workload shares: records parsed and given their event time in the source (watermarks per
 * shard), malformed ones to the side, synthetic cost, and the late filter. {@code onTime} feeds the windows;
 * {@code errors} holds malformed and late records with reasons.
 */
public final class PreparedEvents<T> {
    public final DataStream<T> onTime;
    public final DataStream<OutputLine> errors;

    private PreparedEvents(DataStream<T> onTime, DataStream<OutputLine> errors) {
        this.onTime = onTime;
        this.errors = errors;
    }

    public static <T> PreparedEvents<T> of(RecordSource source, JobSettings job, EventParser<T> parser,
                                           TypeInformation<T> type, SerializableTimestampAssigner<T> eventTime,
                                           WatermarkMode mode) {
        String w = job.workload.id();
        DataStream<Either<Malformed, T>> decoded = source.read(new RecordDecoder<>(parser, type),
                EventTime.forDecoded(job, eventTime, mode));
        SingleOutputStreamOperator<T> parsed = decoded
                .process(new MalformedFilter<T>(w)).returns(type)
                .uid(w + "-parse").name("divert malformed " + w + " records");
        DataStream<T> costed = SyntheticCost.apply(parsed, job.cost, w, type);
        SingleOutputStreamOperator<T> onTime = costed
                .process(new LateFilter<T>(w, job.windowSizeMillis)).returns(type)
                .uid(w + "-late-filter").name("divert late records");
        DataStream<OutputLine> errors = parsed.getSideOutput(MalformedFilter.MALFORMED)
                .union(onTime.getSideOutput(LateFilter.LATE));
        return new PreparedEvents<>(onTime, errors);
    }
}
