package dev.kpufit.flink.pipeline;

import dev.kpufit.flink.events.EventParser;
import dev.kpufit.flink.events.MalformedEventException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Parses records; a malformed one goes to the side output with its reason and never fails the job. */
public final class ParseFunction<T> extends ProcessFunction<String, T> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<OutputLine> MALFORMED = new OutputTag<>("malformed") {
    };
    /** Cap on how much of a bad record is copied to errors/, so one huge record cannot bloat the files. */
    static final int MAX_RECORD_CHARS = 4096;

    private final String workload;
    private final EventParser<T> parser;
    private transient Counter malformed;

    public ParseFunction(String workload, EventParser<T> parser) {
        this.workload = workload;
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        malformed = JobMetrics.counter(getRuntimeContext().getMetricGroup(), "malformedRecords");
    }

    @Override
    public void processElement(String line, Context ctx, Collector<T> out) {
        try {
            out.collect(parser.parse(line));
        } catch (MalformedEventException e) {
            malformed.inc();
            long now = ctx.timerService().currentProcessingTime();
            String record = line == null ? "" : line;
            var json = Json.object()
                    .put("workload", workload)
                    .put("reason", e.getMessage())
                    .put("observed_at", Json.iso(now))
                    .put("record", record.length() > MAX_RECORD_CHARS ? record.substring(0, MAX_RECORD_CHARS) : record)
                    .put("truncated", record.length() > MAX_RECORD_CHARS);
            ctx.output(MALFORMED, new OutputLine("malformed", now, workload, Json.write(json)));
        }
    }
}
