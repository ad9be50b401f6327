package dev.kpufit.flink.workloads;

import dev.kpufit.flink.events.TaxiTrip;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Window aggregates of the taxi workload: pick-ups per cell, trip durations to the airports. */
public final class TaxiAggregates {
    private TaxiAggregates() {
    }

    /** Pick-ups in one geohash cell during one window. */
    public static class CellPickups {
        public String pickupCell;
        public long windowStart;
        public long windowEnd;
        public long pickups;

        public CellPickups() {
        }
    }

    /** A trip that ended at an airport, reduced to what the duration average needs. */
    public static class AirportTrip {
        public String pickupCell;
        public String airport;
        public double durationSeconds;

        public AirportTrip() {
        }
    }

    /** Average duration of trips from one pick-up cell to one airport during one window. */
    public static class AirportDurations {
        public String pickupCell;
        public String airport;
        public long windowStart;
        public long windowEnd;
        public long trips;
        public double avgDurationSeconds;

        public AirportDurations() {
        }
    }

    public static final class CountTrips implements AggregateFunction<TaxiTrip, Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(TaxiTrip value, Long acc) {
            return acc + 1;
        }

        @Override
        public Long getResult(Long acc) {
            return acc;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }
    }

    public static final class EmitCellPickups extends ProcessWindowFunction<Long, CellPickups, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String cell, Context ctx, Iterable<Long> counts, Collector<CellPickups> out) {
            CellPickups r = new CellPickups();
            r.pickupCell = cell;
            r.windowStart = ctx.window().getStart();
            r.windowEnd = ctx.window().getEnd();
            r.pickups = counts.iterator().next();
            out.collect(r);
        }
    }

    public static final class AverageDuration implements AggregateFunction<AirportTrip, SumCount, SumCount> {
        private static final long serialVersionUID = 1L;

        @Override
        public SumCount createAccumulator() {
            return new SumCount();
        }

        @Override
        public SumCount add(AirportTrip trip, SumCount acc) {
            acc.count++;
            acc.sum += trip.durationSeconds;
            return acc;
        }

        @Override
        public SumCount getResult(SumCount acc) {
            return acc;
        }

        @Override
        public SumCount merge(SumCount a, SumCount b) {
            a.count += b.count;
            a.sum += b.sum;
            return a;
        }
    }

    public static final class EmitAirportDurations
            extends ProcessWindowFunction<SumCount, AirportDurations, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String key, Context ctx, Iterable<SumCount> sums, Collector<AirportDurations> out) {
            SumCount s = sums.iterator().next();
            int sep = key.indexOf('|');
            AirportDurations r = new AirportDurations();
            r.pickupCell = key.substring(0, sep);
            r.airport = key.substring(sep + 1);
            r.windowStart = ctx.window().getStart();
            r.windowEnd = ctx.window().getEnd();
            r.trips = s.count;
            r.avgDurationSeconds = s.average();
            out.collect(r);
        }
    }
}
