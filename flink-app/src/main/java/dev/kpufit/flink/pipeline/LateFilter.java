package dev.kpufit.flink.pipeline;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Diverts records whose tumbling window has already fired (window end <= watermark), using the window operator's
 * own lateness rule. Doing it once, before the workload's windows, means a late record is reported once even
 * when several windows read the stream, and none of them drops it silently.
 */
public final class LateFilter<T> extends ProcessFunction<T, T> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<OutputLine> LATE = new OutputTag<>("late") {
    };

    private final String workload;
    private final long windowSizeMillis;
    private transient Counter late;

    public LateFilter(String workload, long windowSizeMillis) {
        this.workload = workload;
        this.windowSizeMillis = windowSizeMillis;
    }

    /** Same test as WindowOperator#isWindowLate for a tumbling window with zero allowed lateness. */
    public static boolean isLate(long timestamp, long windowSizeMillis, long watermark) {
        long windowEnd = TimeWindow.getWindowStartWithOffset(timestamp, 0, windowSizeMillis) + windowSizeMillis;
        return windowEnd - 1 <= watermark;
    }

    @Override
    public void open(OpenContext openContext) {
        late = JobMetrics.counter(getRuntimeContext().getMetricGroup(), "lateRecords");
    }

    @Override
    public void processElement(T event, Context ctx, Collector<T> out) {
        long watermark = ctx.timerService().currentWatermark();
        Long timestamp = ctx.timestamp();
        if (timestamp != null && isLate(timestamp, windowSizeMillis, watermark)) {
            late.inc();
            long now = ctx.timerService().currentProcessingTime();
            var json = Json.object()
                    .put("workload", workload)
                    .put("reason", "late: event time is behind the watermark and its window has closed")
                    .put("event_time", Json.iso(timestamp))
                    .put("watermark", Json.iso(watermark))
                    .put("observed_at", Json.iso(now));
            json.set("event", Json.pojo(event));
            ctx.output(LATE, new OutputLine("late", now, workload, Json.write(json)));
            return;
        }
        out.collect(event);
    }
}
