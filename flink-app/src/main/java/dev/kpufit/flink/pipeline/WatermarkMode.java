package dev.kpufit.flink.pipeline;

/**
 * PERIODIC is production: watermarks every auto-watermark interval, cheap at high rates. PER_EVENT advances the
 * watermark right after each record, which makes lateness deterministic in tests of bounded inputs.
 */
public enum WatermarkMode {
    PERIODIC,
    PER_EVENT
}
