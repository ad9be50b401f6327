package dev.kpufit.flink.workloads;

import dev.kpufit.flink.pipeline.JobMetrics;
import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.events.TaxiTrip;
import dev.kpufit.flink.events.TaxiTripParser;
import dev.kpufit.flink.geo.Airports;
import dev.kpufit.flink.geo.Geohash;
import dev.kpufit.flink.pipeline.Json;
import dev.kpufit.flink.pipeline.OutputLine;
import dev.kpufit.flink.pipeline.Outputs;
import dev.kpufit.flink.pipeline.PreparedEvents;
import dev.kpufit.flink.pipeline.WatermarkMode;
import dev.kpufit.flink.source.RecordSource;
import dev.kpufit.flink.workloads.TaxiAggregates.AirportDurations;
import dev.kpufit.flink.workloads.TaxiAggregates.AirportTrip;
import dev.kpufit.flink.workloads.TaxiAggregates.CellPickups;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

/**
 * Taxi (the KPU-calibration blog's workload): pick-ups per geohash cell per window (hot spots), the average
 * duration of trips to JFK and LGA per pick-up cell, and an alert when a cell's pick-ups exceed the threshold.
 * Event time is the drop-off: a trip is reported when it ends.
 */
public final class TaxiPipeline implements WorkloadPipeline {
    static final String W = "taxi";

    public static String pickupCell(TaxiTrip t) {
        return Geohash.encode(t.pickupLatitude, t.pickupLongitude, Geohash.TAXI_CELL_PRECISION);
    }

    @Override
    public Outputs build(RecordSource source, JobSettings job, WatermarkMode mode) {
        PreparedEvents<TaxiTrip> trips = PreparedEvents.of(source, job, new TaxiTripParser(),
                TypeInformation.of(TaxiTrip.class), (t, previous) -> t.dropoffMillis, mode);

        DataStream<CellPickups> hotspots = trips.onTime
                .keyBy(TaxiPipeline::pickupCell, Types.STRING)
                .window(Windows.tumbling(job.windowSizeMillis))
                .aggregate(new TaxiAggregates.CountTrips(), new TaxiAggregates.EmitCellPickups())
                .uid("taxi-hotspot-window").name("pick-ups per cell per window");

        DataStream<AirportDurations> airports = trips.onTime
                .flatMap(TaxiPipeline::toAirportTrip).returns(AirportTrip.class)
                .uid("taxi-airport-trips").name("trips ending at an airport")
                .keyBy(a -> a.pickupCell + "|" + a.airport, Types.STRING)
                .window(Windows.tumbling(job.windowSizeMillis))
                .aggregate(new TaxiAggregates.AverageDuration(), new TaxiAggregates.EmitAirportDurations())
                .uid("taxi-airport-window").name("airport trip duration per window");

        DataStream<OutputLine> results = hotspots
                .map(TaxiPipeline::hotspotLine).uid("taxi-hotspot-json").name("hot spots to JSON")
                .union(airports.map(TaxiPipeline::airportLine).uid("taxi-airport-json").name("airport trips to JSON"));
        DataStream<OutputLine> alerts = hotspots
                .flatMap(new HotspotAlerts(job.taxiHotspotThreshold))
                .uid("taxi-hotspot-alerts").name("hot-spot alerts");
        return new Outputs(results, alerts, trips.errors);
    }

    static void toAirportTrip(TaxiTrip t, Collector<AirportTrip> out) {
        Airports airport = Airports.at(t.dropoffLatitude, t.dropoffLongitude);
        if (airport != null) {
            AirportTrip a = new AirportTrip();
            a.pickupCell = pickupCell(t);
            a.airport = airport.name();
            a.durationSeconds = (t.dropoffMillis - t.pickupMillis) / 1000.0;
            out.collect(a);
        }
    }

    static OutputLine hotspotLine(CellPickups c) {
        var json = Windows.resultHead(W, "pickup_hotspots", c.windowStart, c.windowEnd)
                .put("pickup_cell", c.pickupCell)
                .put("pickups", c.pickups);
        return new OutputLine("pickup_hotspots", c.windowStart, c.pickupCell, Json.write(json));
    }

    static OutputLine airportLine(AirportDurations a) {
        var json = Windows.resultHead(W, "airport_trip_duration", a.windowStart, a.windowEnd)
                .put("pickup_cell", a.pickupCell)
                .put("airport", a.airport)
                .put("trips", a.trips)
                .put("avg_duration_seconds", a.avgDurationSeconds);
        return new OutputLine("airport_trip_duration", a.windowStart, a.pickupCell, Json.write(json));
    }

    /** One alert per window and cell whose pick-ups are above the threshold. */
    static final class HotspotAlerts extends RichFlatMapFunction<CellPickups, OutputLine> {
        private static final long serialVersionUID = 1L;
        private final int threshold;
        private transient Counter alerts;

        HotspotAlerts(int threshold) {
            this.threshold = threshold;
        }

        @Override
        public void open(OpenContext openContext) {
            alerts = JobMetrics.counter(getRuntimeContext().getMetricGroup(), "alertsEmitted");
        }

        @Override
        public void flatMap(CellPickups c, Collector<OutputLine> out) {
            if (c.pickups > threshold) {
                alerts.inc();
                var json = Json.object()
                        .put("workload", W)
                        .put("alert", "hotspot")
                        .put("window_start", Json.iso(c.windowStart))
                        .put("window_end", Json.iso(c.windowEnd))
                        .put("pickup_cell", c.pickupCell)
                        .put("pickups", c.pickups)
                        .put("threshold", threshold);
                out.collect(new OutputLine("alerts", c.windowStart, c.pickupCell, Json.write(json)));
            }
        }
    }
}
