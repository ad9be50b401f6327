package dev.kpufit.flink.workloads;

import dev.kpufit.flink.events.IotReading;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Window aggregates of the iot workload: avg/min/max per device and sensor type. */
public final class IotAggregates {
    private IotAggregates() {
    }

    public static class Stats {
        public long count;
        public double sum;
        public double min = Double.POSITIVE_INFINITY;
        public double max = Double.NEGATIVE_INFINITY;
        public String unit;

        public Stats() {
        }
    }

    public static class SensorStats {
        public String deviceId;
        public String sensorType;
        public String unit;
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
            return a;
        }
    }

    public static final class EmitSensorStats extends ProcessWindowFunction<Stats, SensorStats, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String key, Context ctx, Iterable<Stats> all, Collector<SensorStats> out) {
            Stats s = all.iterator().next();
            int sep = key.lastIndexOf('|');
            SensorStats r = new SensorStats();
            r.deviceId = key.substring(0, sep);
            r.sensorType = key.substring(sep + 1);
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
