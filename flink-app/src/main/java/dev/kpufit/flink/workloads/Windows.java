package dev.kpufit.flink.workloads;

import dev.kpufit.flink.pipeline.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

import java.time.Duration;

/** Window assigner and the common head of every window result line. */
final class Windows {
    private Windows() {
    }

    static TumblingEventTimeWindows tumbling(long sizeMillis) {
        return TumblingEventTimeWindows.of(Duration.ofMillis(sizeMillis));
    }

    static ObjectNode resultHead(String workload, String metric, long windowStart, long windowEnd) {
        return Json.object()
                .put("workload", workload)
                .put("metric", metric)
                .put("window_start", Json.iso(windowStart))
                .put("window_end", Json.iso(windowEnd));
    }
}
