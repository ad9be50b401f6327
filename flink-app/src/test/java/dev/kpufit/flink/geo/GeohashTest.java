package dev.kpufit.flink.geo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GeohashTest {
    @Test
    void encodesTheReferenceVector() {
        // The worked example of the geohash definition (Jutland, Denmark).
        assertEquals("u4pruydqqvj", Geohash.encode(57.64911, 10.40744, 11));
    }

    @Test
    void givesManhattanPickupsTheirSixCharacterCell() {
        assertEquals("dr5ru7", Geohash.encode(40.758, -73.9855, 6));
        assertEquals("dr5ru7", Geohash.encode(40.7581, -73.9856, 6));
        assertEquals("dr5rud", Geohash.encode(40.7527, -73.9772, 6));
        assertEquals("dr5reg", Geohash.encode(40.7128, -74.006, 6));
    }

    @Test
    void aShorterHashIsAPrefixOfALongerOne() {
        String fine = Geohash.encode(40.758, -73.9855, 9);
        assertEquals(fine.substring(0, 6), Geohash.encode(40.758, -73.9855, 6));
    }

    @Test
    void coversTheCornersOfTheWorld() {
        assertEquals("000000", Geohash.encode(-90, -180, 6));
        assertEquals("zzzzzz", Geohash.encode(90, 180, 6));
        assertNotEquals(Geohash.encode(0.0001, 0.0001, 6), Geohash.encode(-0.0001, -0.0001, 6));
    }

    @Test
    void rejectsAnImpossiblePrecision() {
        assertThrows(IllegalArgumentException.class, () -> Geohash.encode(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Geohash.encode(0, 0, 13));
    }

    @Test
    void recognisesTheAirportsAndNothingElse() {
        assertEquals(Airports.JFK, Airports.at(40.6413, -73.7781));
        assertEquals(Airports.JFK, Airports.at(40.6500, -73.7900));
        assertEquals(Airports.LGA, Airports.at(40.7769, -73.874));
        assertNull(Airports.at(40.7306, -73.9866));
        assertEquals(21.5, Airports.distanceKm(40.6413, -73.7781, 40.758, -73.9855), 0.5);
    }
}
