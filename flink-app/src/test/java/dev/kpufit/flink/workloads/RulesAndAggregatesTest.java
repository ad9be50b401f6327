package dev.kpufit.flink.workloads;

import dev.kpufit.flink.events.ClickEvent;
import dev.kpufit.flink.events.ClickEventParser;
import dev.kpufit.flink.events.IotReading;
import dev.kpufit.flink.events.TaxiTrip;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-record rules and window accumulators, outside Flink. */
class RulesAndAggregatesTest {
    static IotReading reading(String sensor, double value) {
        IotReading r = new IotReading();
        r.deviceId = "device-1";
        r.sensorType = sensor;
        r.value = value;
        r.unit = "u";
        return r;
    }

    @Test
    void anAnomalyIsStrictlyAboveTheSensorTypesThreshold() {
        AnomalyRule rule = new AnomalyRule(80, 100, 50);
        assertTrue(rule.isAnomaly(reading("temperature", 80.01)));
        assertFalse(rule.isAnomaly(reading("temperature", 80.0)));
        assertTrue(rule.isAnomaly(reading("pressure", 104)));
        assertFalse(rule.isAnomaly(reading("pressure", 99.9)));
        assertTrue(rule.isAnomaly(reading("vibration", 55.1)));
        assertFalse(rule.isAnomaly(reading("vibration", 12.7)));
        assertFalse(rule.isAnomaly(reading("flow", 1_000_000)), "flow has no threshold");
        assertTrue(Double.isNaN(rule.thresholdFor("flow")));
    }

    @Test
    void iotStatsMergeLikeASinglePass() {
        IotAggregates.Accumulate agg = new IotAggregates.Accumulate();
        IotAggregates.Stats a = agg.createAccumulator();
        IotAggregates.Stats b = agg.createAccumulator();
        agg.add(reading("temperature", 21.5), a);
        agg.add(reading("temperature", 85.3), b);
        agg.add(reading("temperature", 30.0), b);
        IotAggregates.Stats m = agg.merge(a, b);
        assertEquals(3, m.count);
        assertEquals(136.8, m.sum, 1e-9);
        assertEquals(21.5, m.min);
        assertEquals(85.3, m.max);
        assertEquals("u", m.unit);
    }

    @Test
    void tripCountsAndDurationAveragesMerge() {
        TaxiAggregates.CountTrips count = new TaxiAggregates.CountTrips();
        assertEquals(3L, count.merge(count.add(new TaxiTrip(), count.createAccumulator()), 2L));
        TaxiAggregates.AverageDuration avg = new TaxiAggregates.AverageDuration();
        TaxiAggregates.AirportTrip t1 = new TaxiAggregates.AirportTrip();
        t1.durationSeconds = 1860;
        TaxiAggregates.AirportTrip t2 = new TaxiAggregates.AirportTrip();
        t2.durationSeconds = 1560;
        SumCount s = avg.merge(avg.add(t1, avg.createAccumulator()), avg.add(t2, avg.createAccumulator()));
        assertEquals(2, s.count);
        assertEquals(1710.0, s.average());
        assertEquals(0.0, new SumCount().average());
    }

    @Test
    void airportTripsAreOnlyTripsEndingAtAnAirport() {
        TaxiTrip t = new TaxiTrip();
        t.pickupLatitude = 40.758;
        t.pickupLongitude = -73.9855;
        t.pickupMillis = 0;
        t.dropoffMillis = 1_860_000;
        t.dropoffLatitude = 40.6413;
        t.dropoffLongitude = -73.7781;
        List<TaxiAggregates.AirportTrip> out = new ArrayList<>();
        TaxiPipeline.toAirportTrip(t, new ListCollector<>(out));
        assertEquals(1, out.size());
        assertEquals("dr5ru7", out.get(0).pickupCell);
        assertEquals("JFK", out.get(0).airport);
        assertEquals(1860.0, out.get(0).durationSeconds);
        t.dropoffLatitude = 40.7306;
        t.dropoffLongitude = -73.9866;
        TaxiPipeline.toAirportTrip(t, new ListCollector<>(out));
        assertEquals(1, out.size());
    }

    static ClickEvent click(String user, String type, long cents) {
        ClickEvent e = new ClickEvent();
        e.userId = user;
        e.eventType = ClickEventParser.EVENT_TYPES.indexOf(type);
        e.amountCents = cents;
        return e;
    }

    @Test
    void clickstreamCountsRevenueOnlyForPurchasesAndUsersOncePerWindow() {
        ClickstreamAggregates.PerUser perUser = new ClickstreamAggregates.PerUser();
        ClickstreamAggregates.UserActivity u1 = perUser.createAccumulator();
        perUser.add(click("u1", "page_view", 0), u1);
        perUser.add(click("u1", "purchase", 5999), u1);
        perUser.add(click("u1", "purchase", 1), u1);
        ClickstreamAggregates.UserActivity u2 = perUser.add(click("u2", "search", 0), perUser.createAccumulator());

        ClickstreamAggregates.Combine combine = new ClickstreamAggregates.Combine();
        ClickstreamAggregates.Dashboard d = combine.merge(
                combine.add(u1, combine.createAccumulator()), combine.add(u2, combine.createAccumulator()));
        assertEquals(2, d.activeUsers);
        assertEquals(2, d.purchases);
        assertEquals(6000, d.revenueCents);
        assertEquals(4, d.events());
        assertEquals(1, d.countsByType[ClickEventParser.EVENT_TYPES.indexOf("search")]);
    }
}
