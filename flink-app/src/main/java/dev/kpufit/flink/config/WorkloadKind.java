package dev.kpufit.flink.config;

import java.util.Locale;

/** The analytics pipelines the job can run, chosen by {@code Job.workload}. */
public enum WorkloadKind {
    TAXI(60),
    IOT(300),
    CLICKSTREAM(60);

    private final int defaultWindowSeconds;

    WorkloadKind(int defaultWindowSeconds) {
        this.defaultWindowSeconds = defaultWindowSeconds;
    }

    public int defaultWindowSeconds() {
        return defaultWindowSeconds;
    }

    /** Name used in paths, operator uids and JSON output. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
