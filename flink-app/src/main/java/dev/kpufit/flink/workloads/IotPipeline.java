package dev.kpufit.flink.workloads;

import dev.kpufit.flink.pipeline.JobMetrics;
import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.events.IotReading;
import dev.kpufit.flink.events.IotReadingParser;
import dev.kpufit.flink.pipeline.Json;
import dev.kpufit.flink.pipeline.OutputLine;
import dev.kpufit.flink.pipeline.Outputs;
import dev.kpufit.flink.pipeline.PreparedEvents;
import dev.kpufit.flink.pipeline.WatermarkMode;
import dev.kpufit.flink.source.RecordSource;
import dev.kpufit.flink.workloads.IotAggregates.SensorStats;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

/**
 * IoT (the IoT recipe): avg/min/max per device and sensor type per tumbling window (5 minutes by default), and an
 * anomaly alert for each reading above its threshold (temperature 80, pressure 100, vibration 50 by default).
 */
public final class IotPipeline implements WorkloadPipeline {
    static final String W = "iot";

    @Override
    public Outputs build(RecordSource source, JobSettings job, WatermarkMode mode) {
        PreparedEvents<IotReading> readings = PreparedEvents.of(source, job, new IotReadingParser(),
                TypeInformation.of(IotReading.class), (r, previous) -> r.timestampMillis, mode);

        DataStream<OutputLine> results = readings.onTime
                .keyBy(r -> r.deviceId + "|" + r.sensorType, Types.STRING)
                .window(Windows.tumbling(job.windowSizeMillis))
                .aggregate(new IotAggregates.Accumulate(), new IotAggregates.EmitSensorStats())
                .uid("iot-sensor-window").name("sensor stats per window")
                .map(IotPipeline::statsLine).uid("iot-sensor-json").name("sensor stats to JSON");
        DataStream<OutputLine> alerts = readings.onTime
                .flatMap(new AnomalyAlerts(AnomalyRule.from(job)))
                .uid("iot-anomaly-alerts").name("anomaly alerts");
        return new Outputs(results, alerts, readings.errors);
    }

    static OutputLine statsLine(SensorStats s) {
        var json = Windows.resultHead(W, "sensor_stats", s.windowStart, s.windowEnd)
                .put("device_id", s.deviceId)
                .put("sensor_type", s.sensorType)
                .put("unit", s.unit)
                .put("count", s.count)
                .put("avg", s.avg)
                .put("min", s.min)
                .put("max", s.max);
        return new OutputLine("sensor_stats", s.windowStart, s.deviceId, Json.write(json));
    }

    static final class AnomalyAlerts extends RichFlatMapFunction<IotReading, OutputLine> {
        private static final long serialVersionUID = 1L;
        private final AnomalyRule rule;
        private transient Counter alerts;

        AnomalyAlerts(AnomalyRule rule) {
            this.rule = rule;
        }

        @Override
        public void open(OpenContext openContext) {
            alerts = JobMetrics.counter(getRuntimeContext().getMetricGroup(), "alertsEmitted");
        }

        @Override
        public void flatMap(IotReading r, Collector<OutputLine> out) {
            if (rule.isAnomaly(r)) {
                alerts.inc();
                var json = Json.object()
                        .put("workload", W)
                        .put("alert", "anomaly")
                        .put("event_time", Json.iso(r.timestampMillis))
                        .put("device_id", r.deviceId)
                        .put("sensor_type", r.sensorType)
                        .put("value", r.value)
                        .put("threshold", rule.thresholdFor(r.sensorType))
                        .put("unit", r.unit)
                        .put("location", r.location);
                out.collect(new OutputLine("alerts", r.timestampMillis, r.deviceId, Json.write(json)));
            }
        }
    }
}
