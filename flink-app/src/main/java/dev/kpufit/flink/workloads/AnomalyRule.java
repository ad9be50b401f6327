package dev.kpufit.flink.workloads;

import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.events.IotReading;

import java.io.Serializable;

/** IoT anomaly thresholds: a reading strictly above its sensor type's threshold is an anomaly. */
public final class AnomalyRule implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double temperature;
    private final double pressure;
    private final double vibration;

    public AnomalyRule(double temperature, double pressure, double vibration) {
        this.temperature = temperature;
        this.pressure = pressure;
        this.vibration = vibration;
    }

    public static AnomalyRule from(JobSettings job) {
        return new AnomalyRule(job.iotTemperatureThreshold, job.iotPressureThreshold, job.iotVibrationThreshold);
    }

    /** The threshold for a sensor type, or NaN for types without one (flow). */
    public double thresholdFor(String sensorType) {
        switch (sensorType) {
            case "temperature":
                return temperature;
            case "pressure":
                return pressure;
            case "vibration":
                return vibration;
            default:
                return Double.NaN;
        }
    }

    public boolean isAnomaly(IotReading r) {
        double threshold = thresholdFor(r.sensorType);
        return !Double.isNaN(threshold) && r.value > threshold;
    }
}
