package dev.kpufit.flink.events;

/** A finished taxi trip; event time is the drop-off. Public fields: a Flink POJO. */
public class TaxiTrip {
    public String tripId;
    public int vendorId;
    public long pickupMillis;
    public long dropoffMillis;
    public double pickupLatitude;
    public double pickupLongitude;
    public double dropoffLatitude;
    public double dropoffLongitude;
    public int passengerCount;
    public double tripDistance;
    public double fareAmount;
    public double tipAmount;
    public double tollsAmount;
    public double totalAmount;
    public String paymentType;

    public TaxiTrip() {
    }
}
