package dev.kpufit.flink.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/** Parses the {@code iot} schema of __tests__/fixtures/events/README.md. */
public final class IotReadingParser implements EventParser<IotReading> {
    private static final long serialVersionUID = 1L;
    public static final Set<String> SENSOR_TYPES = Set.of("temperature", "pressure", "vibration", "flow");

    @Override
    public IotReading parse(String line) throws MalformedEventException {
        JsonNode o = JsonFields.object(line);
        IotReading r = new IotReading();
        r.deviceId = JsonFields.text(o, "device_id");
        r.timestampMillis = JsonFields.timestampMillis(o, "timestamp");
        r.sensorType = JsonFields.oneOf(o, "sensor_type", SENSOR_TYPES);
        r.value = JsonFields.number(o, "value");
        r.unit = JsonFields.text(o, "unit");
        r.location = JsonFields.text(o, "location");
        return r;
    }
}
