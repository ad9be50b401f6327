package dev.kpufit.flink.pipeline;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionsAndLatenessTest {
    static long t(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void bucketsByCategoryDateAndUtcHour() {
        OutputLine line = new OutputLine("pickup_hotspots", t("2026-01-15T08:59:59.999Z"), "k", "{}");
        assertEquals("pickup_hotspots/dt=2026-01-15/hour=08", HourlyPartitions.bucketFor(line));
        line.partitionMillis = t("2026-12-31T23:00:00Z");
        assertEquals("pickup_hotspots/dt=2026-12-31/hour=23", HourlyPartitions.bucketFor(line));
    }

    @Test
    void aRecordIsLateOnceTheWatermarkHasReachedTheEndOfItsWindow() {
        long minute = 60_000;
        long ts = t("2026-01-15T08:13:40Z");
        assertFalse(LateFilter.isLate(ts, minute, t("2026-01-15T08:13:59.998Z")));
        assertTrue(LateFilter.isLate(ts, minute, t("2026-01-15T08:13:59.999Z")));
        assertTrue(LateFilter.isLate(ts, minute, t("2026-01-15T08:31:00Z")));
        assertFalse(LateFilter.isLate(ts, 3_600_000, t("2026-01-15T08:31:00Z")), "an hour window is still open");
    }

    @Test
    void joinsSinkPathsWithExactlyOneSlash() {
        assertEquals("s3://b/analytics-results/taxi", Sinks.join("s3://b/analytics-results/", "taxi"));
        assertEquals("file:///tmp/out/iot", Sinks.join("file:///tmp/out", "iot"));
    }
}
