package dev.kpufit.flink.geo;

/** New York airports whose trip durations the taxi workload reports. */
public enum Airports {
    JFK(40.6413, -73.7781, 2.5),
    LGA(40.7769, -73.8740, 1.5);

    private static final double EARTH_RADIUS_KM = 6371.0088;

    private final double latitude;
    private final double longitude;
    /** Radius around the terminals that counts as "at the airport"; JFK's terminal area is larger. */
    private final double radiusKm;

    Airports(double latitude, double longitude, double radiusKm) {
        this.latitude = latitude;
        this.longitude = longitude;
        this.radiusKm = radiusKm;
    }

    /** The airport a point lies at, or null. */
    public static Airports at(double latitude, double longitude) {
        for (Airports a : values()) {
            if (distanceKm(latitude, longitude, a.latitude, a.longitude) <= a.radiusKm) {
                return a;
            }
        }
        return null;
    }

    static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(a));
    }
}
