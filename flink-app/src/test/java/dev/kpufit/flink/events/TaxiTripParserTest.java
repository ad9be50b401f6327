package dev.kpufit.flink.events;

import dev.kpufit.flink.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TaxiTripParserTest {
    private final TaxiTripParser parser = new TaxiTripParser();

    private String reason(String line) {
        return assertThrows(MalformedEventException.class, () -> parser.parse(line)).getMessage();
    }

    @Test
    void readsEveryFieldOfATrip() throws Exception {
        TaxiTrip t = parser.parse(Fixtures.lines("taxi", "valid").get(0));
        assertEquals("trip-000001", t.tripId);
        assertEquals(2, t.vendorId);
        assertEquals(Instant.parse("2026-01-15T08:00:05Z").toEpochMilli(), t.pickupMillis);
        assertEquals(Instant.parse("2026-01-15T08:31:05Z").toEpochMilli(), t.dropoffMillis);
        assertEquals(40.758, t.pickupLatitude);
        assertEquals(-73.9855, t.pickupLongitude);
        assertEquals(40.6413, t.dropoffLatitude);
        assertEquals(-73.7781, t.dropoffLongitude);
        assertEquals(1, t.passengerCount);
        assertEquals(17.8, t.tripDistance);
        assertEquals(52.0, t.fareAmount);
        assertEquals(11.06, t.tipAmount);
        assertEquals(6.94, t.tollsAmount);
        assertEquals(70.0, t.totalAmount);
        assertEquals("card", t.paymentType);
    }

    @Test
    void namesTheFieldThatIsWrong() {
        String valid = Fixtures.lines("taxi", "valid").get(0);
        assertEquals("missing field 'trip_id'", reason(valid.replace("\"trip_id\":\"trip-000001\",", "")));
        assertEquals("wrong type: field 'vendor_id' must be an integer", reason(valid.replace("\"vendor_id\":2", "\"vendor_id\":2.5")));
        assertEquals("wrong type: field 'pickup_latitude' must be a number",
                reason(valid.replace("\"pickup_latitude\":40.758", "\"pickup_latitude\":\"40.758\"")));
        assertEquals("unparsable timestamp: field 'pickup_datetime' is 'yesterday'",
                reason(valid.replace("2026-01-15T08:00:05.000Z", "yesterday")));
        assertEquals("unknown value: field 'payment_type' is 'bitcoin' (allowed: card, cash)",
                reason(valid.replace("\"card\"", "\"bitcoin\"")));
        assertEquals("field 'pickup_latitude' out of range [-90.0, 90.0]: 140.758",
                reason(valid.replace("\"pickup_latitude\":40.758", "\"pickup_latitude\":140.758")));
        assertEquals("field 'dropoff_datetime' is before 'pickup_datetime'",
                reason(valid.replace("2026-01-15T08:31:05.000Z", "2026-01-15T07:31:05.000Z")));
        assertEquals("missing field 'tip_amount'", reason(valid.replace("\"tip_amount\":11.06", "\"tip_amount\":null")));
    }

    @Test
    void rejectsTextThatIsNotAJsonObject() {
        assertEquals("bad JSON: record is not a JSON object", reason("[1,2,3]"));
        assertEquals("bad JSON: empty record", reason("  "));
        assertEquals(true, reason("not json at all").startsWith("bad JSON: "));
        assertEquals(true, reason("{\"trip_id\":\"x\"").startsWith("bad JSON: "));
    }

    @Test
    void acceptsAnExplicitUtcOffsetAndNormalisesIt() throws Exception {
        String valid = Fixtures.lines("taxi", "valid").get(0);
        TaxiTrip t = parser.parse(valid.replace("2026-01-15T08:31:05.000Z", "2026-01-15T09:31:05.000+01:00"));
        assertEquals(Instant.parse("2026-01-15T08:31:05Z").toEpochMilli(), t.dropoffMillis);
    }
}
