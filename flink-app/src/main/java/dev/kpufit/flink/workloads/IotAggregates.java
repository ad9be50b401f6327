package dev.kpufit.flink.workloads;

import dev.kpufit.flink.events.IotReading;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Window aggregates of the iot workload: avg/min/max per device, sensor type and location. */
public final class IotAggregates {
    private IotAggregates() {
    }

    /**
     * The grouping key: device, sensor type and location. Only partitions the stream; the result takes the
     * three fields from the readings (the accumulator), so no field is parsed back out of the key.
     */
    public static String groupKey(IotReading r) {
        return r.deviceId + '\u0000' + r.sensorType + '\u0000' + r.location;
    }

    public static class Stats {
        public long count;
        public double sum;
        public double min = Double.POSITIVE_INFINITY;
        public double max = Double.NEGATIVE_INFINITY;
        public String unit;
        public String deviceId;
        public String sensorType;
        public String location;

        public Stats() {
        }
    }

    public static class SensorStats {
        public String deviceId;
        public String sensorType;
        public String unit;
        public String location;
        public long windowStart;
        public long windowEnd;
        public long count;
        public double avg;
        public double min;
        public double max;

        public SensorStats() {
        }
    }

    public static final class Accumulate implements AggregateFunction<IotReading, Stats, Stats> {
        private static final long serialVersionUID = 1L;

        @Override
        public Stats createAccumulator() {
            return new Stats();
        }

        @Override
        public Stats add(IotReading r, Stats s) {
            s.count++;
            s.sum += r.value;
            s.min = Math.min(s.min, r.value);
            s.max = Math.max(s.max, r.value);
            s.unit = r.unit;
            s.deviceId = r.deviceId;
            s.sensorType = r.sensorType;
            s.location = r.location;
            return s;
        }

        @Override
        public Stats getResult(Stats s) {
            return s;
        }

        @Override
        public Stats merge(Stats a, Stats b) {
            a.count += b.count;
            a.sum += b.sum;
            a.min = Math.min(a.min, b.min);
            a.max = Math.max(a.max, b.max);
            a.unit = a.unit != null ? a.unit : b.unit;
            a.deviceId = a.deviceId != null ? a.deviceId : b.deviceId;
            a.sensorType = a.sensorType != null ? a.sensorType : b.sensorType;
            a.location = a.location != null ? a.location : b.location;
            return a;
        }
    }

    public static final class EmitSensorStats extends ProcessWindowFunction<Stats, SensorStats, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String key, Context ctx, Iterable<Stats> all, Collector<SensorStats> out) {
            Stats s = all.iterator().next();
            SensorStats r = new SensorStats();
            r.deviceId = s.deviceId;
            r.sensorType = s.sensorType;
            r.location = s.location;
            r.unit = s.unit;
            r.windowStart = ctx.window().getStart();
            r.windowEnd = ctx.window().getEnd();
            r.count = s.count;
            r.avg = s.sum / s.count;
            r.min = s.min;
            r.max = s.max;
            out.collect(r);
        }
    }
}
