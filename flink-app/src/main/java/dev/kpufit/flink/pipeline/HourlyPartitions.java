package dev.kpufit.flink.pipeline;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Buckets lines as {@code <category>/dt=YYYY-MM-DD/hour=HH} (UTC), Hive-style, so Athena and QuickSight can
 * partition-project the results. Results use the window start, so a window never straddles two folders.
 */
public final class HourlyPartitions implements BucketAssigner<OutputLine, String> {
    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

    public static String bucketFor(OutputLine line) {
        return line.category + "/" + FORMAT.format(java.time.Instant.ofEpochMilli(line.partitionMillis));
    }

    @Override
    public String getBucketId(OutputLine line, Context context) {
        return bucketFor(line);
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
