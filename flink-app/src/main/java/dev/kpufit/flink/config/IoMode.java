package dev.kpufit.flink.config;

/** Synthetic per-record I/O cost: none, a blocking call, or Flink Async I/O. */
public enum IoMode {
    NONE,
    BLOCKING,
    ASYNC
}
