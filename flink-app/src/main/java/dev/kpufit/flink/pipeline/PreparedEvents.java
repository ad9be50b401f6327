package dev.kpufit.flink.pipeline;

import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.events.EventParser;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The front half every workload shares: parse (malformed to the side), synthetic cost, event time, and the late
 * filter. {@code onTime} feeds the windows; {@code errors} holds malformed and late records with reasons.
 */
public final class PreparedEvents<T> {
    public final DataStream<T> onTime;
    public final DataStream<OutputLine> errors;

    private PreparedEvents(DataStream<T> onTime, DataStream<OutputLine> errors) {
        this.onTime = onTime;
        this.errors = errors;
    }

    public static <T> PreparedEvents<T> of(DataStream<String> raw, JobSettings job, EventParser<T> parser,
                                           TypeInformation<T> type, SerializableTimestampAssigner<T> eventTime,
                                           WatermarkMode mode) {
        String w = job.workload.id();
        SingleOutputStreamOperator<T> parsed = raw
                .process(new ParseFunction<>(w, parser)).returns(type)
                .uid(w + "-parse").name("parse " + w + " events");
        DataStream<T> costed = SyntheticCost.apply(parsed, job.cost, w, type);
        SingleOutputStreamOperator<T> onTime = costed
                .assignTimestampsAndWatermarks(EventTime.strategy(job, eventTime, mode))
                .uid(w + "-event-time").name("event time and watermarks")
                .process(new LateFilter<T>(w, job.windowSizeMillis)).returns(type)
                .uid(w + "-late-filter").name("divert late records");
        DataStream<OutputLine> errors = parsed.getSideOutput(ParseFunction.MALFORMED)
                .union(onTime.getSideOutput(LateFilter.LATE));
        return new PreparedEvents<>(onTime, errors);
    }
}
