package dev.kpufit.flink.events;

import dev.kpufit.flink.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IotReadingParserTest {
    private final IotReadingParser parser = new IotReadingParser();

    private String reason(String line) {
        return assertThrows(MalformedEventException.class, () -> parser.parse(line)).getMessage();
    }

    @Test
    void readsEveryFieldOfAReading() throws Exception {
        IotReading r = parser.parse(Fixtures.lines("iot", "valid").get(0));
        assertEquals("device-0001", r.deviceId);
        assertEquals(Instant.parse("2026-01-15T08:00:01Z").toEpochMilli(), r.timestampMillis);
        assertEquals("temperature", r.sensorType);
        assertEquals(21.5, r.value);
        assertEquals("celsius", r.unit);
        assertEquals("plant-1/line-2", r.location);
    }

    @Test
    void rejectsTheMalformedFixturesForTheRightReason() {
        List<String> bad = Fixtures.lines("iot", "malformed");
        assertEquals("unknown value: field 'sensor_type' is 'humidity' (allowed: flow, pressure, temperature, vibration)",
                reason(bad.get(0)));
        assertEquals("wrong type: field 'value' must be a number", reason(bad.get(1)));
        assertEquals("missing field 'device_id'", reason(bad.get(2)));
        assertEquals("missing field 'timestamp'", reason(bad.get(3)));
        assertEquals("bad JSON: record is not a JSON object", reason(bad.get(4)));
    }

    @Test
    void rejectsAnEmptyDeviceId() {
        String valid = Fixtures.lines("iot", "valid").get(0);
        assertEquals("field 'device_id' must not be empty", reason(valid.replace("device-0001", "")));
    }
}
