package dev.kpufit.flink.geo;

/** Standard base-32 geohash: the cell id that taxi pick-ups are counted in. */
public final class Geohash {
    private static final char[] BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz".toCharArray();
    /** Precision 6 is a ~1.2 km x 0.6 km cell: a few city blocks, the unit of a pick-up hot spot. */
    public static final int TAXI_CELL_PRECISION = 6;

    private Geohash() {
    }

    public static String encode(double latitude, double longitude, int precision) {
        if (precision < 1 || precision > 12) {
            throw new IllegalArgumentException("geohash precision must be 1..12, got " + precision);
        }
        double latMin = -90, latMax = 90, lonMin = -180, lonMax = 180;
        StringBuilder hash = new StringBuilder(precision);
        boolean evenBit = true;
        int bit = 0;
        int ch = 0;
        while (hash.length() < precision) {
            if (evenBit) {
                double mid = (lonMin + lonMax) / 2;
                if (longitude >= mid) {
                    ch = (ch << 1) | 1;
                    lonMin = mid;
                } else {
                    ch = ch << 1;
                    lonMax = mid;
                }
            } else {
                double mid = (latMin + latMax) / 2;
                if (latitude >= mid) {
                    ch = (ch << 1) | 1;
                    latMin = mid;
                } else {
                    ch = ch << 1;
                    latMax = mid;
                }
            }
            evenBit = !evenBit;
            if (++bit == 5) {
                hash.append(BASE32[ch]);
                bit = 0;
                ch = 0;
            }
        }
        return hash.toString();
    }
}
