package dev.kpufit.flink.config;

import java.io.Serializable;

/** The {@code Job} property group: which workload runs and how it windows, alerts and costs. */
public final class JobSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final WorkloadKind workload;
    public final long windowSizeMillis;
    public final long maxOutOfOrdernessMillis;
    /** 0 disables idleness detection. */
    public final long idlenessMillis;
    public final int taxiHotspotThreshold;
    public final double iotTemperatureThreshold;
    public final double iotPressureThreshold;
    public final double iotVibrationThreshold;
    public final CostSettings cost;

    public JobSettings(WorkloadKind workload, long windowSizeMillis, long maxOutOfOrdernessMillis, long idlenessMillis,
                       int taxiHotspotThreshold, double iotTemperatureThreshold, double iotPressureThreshold,
                       double iotVibrationThreshold, CostSettings cost) {
        this.workload = workload;
        this.windowSizeMillis = windowSizeMillis;
        this.maxOutOfOrdernessMillis = maxOutOfOrdernessMillis;
        this.idlenessMillis = idlenessMillis;
        this.taxiHotspotThreshold = taxiHotspotThreshold;
        this.iotTemperatureThreshold = iotTemperatureThreshold;
        this.iotPressureThreshold = iotPressureThreshold;
        this.iotVibrationThreshold = iotVibrationThreshold;
        this.cost = cost;
    }

    /** Defaults for a workload, as the job uses them when the Job group sets nothing else. */
    public static JobSettings defaults(WorkloadKind workload) {
        return new JobSettings(workload, workload.defaultWindowSeconds() * 1000L, 5_000L, 30_000L,
                20, 80.0, 100.0, 50.0, CostSettings.none());
    }

    public JobSettings withWindow(long windowMillis, long outOfOrdernessMillis) {
        return new JobSettings(workload, windowMillis, outOfOrdernessMillis, idlenessMillis, taxiHotspotThreshold,
                iotTemperatureThreshold, iotPressureThreshold, iotVibrationThreshold, cost);
    }

    public JobSettings withTaxiHotspotThreshold(int threshold) {
        return new JobSettings(workload, windowSizeMillis, maxOutOfOrdernessMillis, idlenessMillis, threshold,
                iotTemperatureThreshold, iotPressureThreshold, iotVibrationThreshold, cost);
    }

    public JobSettings withCost(CostSettings newCost) {
        return new JobSettings(workload, windowSizeMillis, maxOutOfOrdernessMillis, idlenessMillis,
                taxiHotspotThreshold, iotTemperatureThreshold, iotPressureThreshold, iotVibrationThreshold, newCost);
    }
}
