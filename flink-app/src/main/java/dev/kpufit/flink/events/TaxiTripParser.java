package dev.kpufit.flink.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/** Parses the {@code taxi} schema of __tests__/fixtures/events/README.md. */
public final class TaxiTripParser implements EventParser<TaxiTrip> {
    private static final long serialVersionUID = 1L;
    private static final Set<String> PAYMENT_TYPES = Set.of("card", "cash");

    @Override
    public TaxiTrip parse(String line) throws MalformedEventException {
        JsonNode o = JsonFields.object(line);
        TaxiTrip t = new TaxiTrip();
        t.tripId = JsonFields.text(o, "trip_id");
        t.vendorId = JsonFields.integer(o, "vendor_id");
        t.pickupMillis = JsonFields.timestampMillis(o, "pickup_datetime");
        t.dropoffMillis = JsonFields.timestampMillis(o, "dropoff_datetime");
        t.pickupLatitude = JsonFields.numberInRange(o, "pickup_latitude", -90, 90);
        t.pickupLongitude = JsonFields.numberInRange(o, "pickup_longitude", -180, 180);
        t.dropoffLatitude = JsonFields.numberInRange(o, "dropoff_latitude", -90, 90);
        t.dropoffLongitude = JsonFields.numberInRange(o, "dropoff_longitude", -180, 180);
        t.passengerCount = JsonFields.integer(o, "passenger_count");
        t.tripDistance = JsonFields.number(o, "trip_distance");
        t.fareAmount = JsonFields.number(o, "fare_amount");
        t.tipAmount = JsonFields.number(o, "tip_amount");
        t.tollsAmount = JsonFields.number(o, "tolls_amount");
        t.totalAmount = JsonFields.number(o, "total_amount");
        t.paymentType = JsonFields.oneOf(o, "payment_type", PAYMENT_TYPES);
        if (t.dropoffMillis < t.pickupMillis) {
            throw new MalformedEventException("field 'dropoff_datetime' is before 'pickup_datetime'");
        }
        return t;
    }
}
