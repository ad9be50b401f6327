package dev.kpufit.flink.events;

/** One sensor reading. Public fields: a Flink POJO. */
public class IotReading {
    public String deviceId;
    public long timestampMillis;
    /** One of {@link IotReadingParser#SENSOR_TYPES}. */
    public String sensorType;
    public double value;
    public String unit;
    public String location;

    public IotReading() {
    }
}
