package dev.kpufit.flink.pipeline;

import dev.kpufit.flink.source.Malformed;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Records are parsed in the source (so they get their event time per shard); this passes the parsed events on and
 * sends each malformed one to the side output with its reason. A malformed record never fails the job.
 */
public final class MalformedFilter<T> extends ProcessFunction<Either<Malformed, T>, T> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<OutputLine> MALFORMED = new OutputTag<>("malformed") {
    };
    /** Cap on how much of a bad record is copied to errors/, so one huge record cannot bloat the files. */
    static final int MAX_RECORD_CHARS = 4096;

    private final String workload;
    private transient Counter malformed;

    public MalformedFilter(String workload) {
        this.workload = workload;
    }

    @Override
    public void open(OpenContext openContext) {
        malformed = JobMetrics.counter(getRuntimeContext().getMetricGroup(), "malformedRecords");
    }

    @Override
    public void processElement(Either<Malformed, T> record, Context ctx, Collector<T> out) {
        if (record.isRight()) {
            out.collect(record.right());
            return;
        }
        malformed.inc();
        long now = ctx.timerService().currentProcessingTime();
        Malformed bad = record.left();
        String text = bad.record == null ? "" : bad.record;
        var json = Json.object()
                .put("workload", workload)
                .put("reason", bad.reason)
                .put("observed_at", Json.iso(now))
                .put("record", text.length() > MAX_RECORD_CHARS ? text.substring(0, MAX_RECORD_CHARS) : text)
                .put("truncated", text.length() > MAX_RECORD_CHARS);
        ctx.output(MALFORMED, new OutputLine("malformed", now, workload, Json.write(json)));
    }
}
