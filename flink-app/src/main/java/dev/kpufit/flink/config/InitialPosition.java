package dev.kpufit.flink.config;

/** Where the Kinesis source starts reading a shard it has no checkpointed position for. */
public enum InitialPosition {
    LATEST,
    TRIM_HORIZON,
    AT_TIMESTAMP
}
