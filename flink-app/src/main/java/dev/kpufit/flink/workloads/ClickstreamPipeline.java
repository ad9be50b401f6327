package dev.kpufit.flink.workloads;

import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.events.ClickEvent;
import dev.kpufit.flink.events.ClickEventParser;
import dev.kpufit.flink.pipeline.Json;
import dev.kpufit.flink.pipeline.OutputLine;
import dev.kpufit.flink.pipeline.Outputs;
import dev.kpufit.flink.pipeline.PreparedEvents;
import dev.kpufit.flink.pipeline.WatermarkMode;
import dev.kpufit.flink.source.RecordSource;
import dev.kpufit.flink.workloads.ClickstreamAggregates.Dashboard;
import dev.kpufit.flink.workloads.ClickstreamAggregates.UserActivity;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.math.BigDecimal;

/**
 * Clickstream (the analytics-dashboard recipes): per window, events per type, revenue and purchases, and active
 * (distinct) users. Raises no alerts.
 */
public final class ClickstreamPipeline implements WorkloadPipeline {
    static final String W = "clickstream";

    @Override
    public Outputs build(RecordSource source, JobSettings job, WatermarkMode mode) {
        PreparedEvents<ClickEvent> events = PreparedEvents.of(source, job, new ClickEventParser(),
                TypeInformation.of(ClickEvent.class), (e, previous) -> e.timestampMillis, mode);

        DataStream<OutputLine> results = events.onTime
                .keyBy(e -> e.userId, Types.STRING)
                .window(Windows.tumbling(job.windowSizeMillis))
                .aggregate(new ClickstreamAggregates.PerUser(), new ClickstreamAggregates.EmitUserActivity())
                .uid("clickstream-user-window").name("activity per user per window")
                // Each per-user row carries its window's max timestamp, so it lands in the same window here.
                .windowAll(Windows.tumbling(job.windowSizeMillis))
                .aggregate(new ClickstreamAggregates.Combine(), new ClickstreamAggregates.EmitDashboard())
                .uid("clickstream-dashboard-window").name("dashboard per window")
                .map(ClickstreamPipeline::dashboardLine).uid("clickstream-dashboard-json").name("dashboard to JSON");
        return new Outputs(results, null, events.errors);
    }

    static OutputLine dashboardLine(Dashboard d) {
        var json = Windows.resultHead(W, "dashboard", d.windowStart, d.windowEnd);
        var byType = json.putObject("events_by_type");
        for (int i = 0; i < d.countsByType.length; i++) {
            byType.put(ClickEventParser.EVENT_TYPES.get(i), d.countsByType[i]);
        }
        json.put("events", d.events())
                .put("purchases", d.purchases)
                .put("revenue", BigDecimal.valueOf(d.revenueCents, 2))
                .put("active_users", d.activeUsers);
        return new OutputLine("dashboard", d.windowStart, "dashboard", Json.write(json));
    }
}
