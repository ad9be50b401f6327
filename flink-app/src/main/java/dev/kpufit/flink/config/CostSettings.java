package dev.kpufit.flink.config;

import java.io.Serializable;

/** Synthetic cost knobs that make the job CPU- or I/O-heavy for load tests; all off by default. */
public final class CostSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int cpuSpinMicros;
    public final IoMode ioMode;
    public final int ioWaitMillis;
    public final int asyncCapacity;
    public final int asyncTimeoutMillis;

    public CostSettings(int cpuSpinMicros, IoMode ioMode, int ioWaitMillis, int asyncCapacity, int asyncTimeoutMillis) {
        this.cpuSpinMicros = cpuSpinMicros;
        this.ioMode = ioMode;
        this.ioWaitMillis = ioWaitMillis;
        this.asyncCapacity = asyncCapacity;
        this.asyncTimeoutMillis = asyncTimeoutMillis;
    }

    public static CostSettings none() {
        return new CostSettings(0, IoMode.NONE, 0, 100, 1000);
    }
}
