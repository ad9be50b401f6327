package dev.kpufit.flink.config;

import java.io.Serializable;

/** The {@code Output} property group: where results, rejected records and alerts go. */
public final class OutputSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String resultsPath;
    public final String errorsPath;
    /** Null when alerts only go to the results files. */
    public final String alertsStreamArn;
    public final String region;
    public final String endpoint;
    public final boolean emulatorCredentials;

    public OutputSettings(String resultsPath, String errorsPath, String alertsStreamArn, String region,
                          String endpoint, boolean emulatorCredentials) {
        this.resultsPath = resultsPath;
        this.errorsPath = errorsPath;
        this.alertsStreamArn = alertsStreamArn;
        this.region = region;
        this.endpoint = endpoint;
        this.emulatorCredentials = emulatorCredentials;
    }
}
