package dev.kpufit.flink.pipeline;

import java.util.Objects;

/**
 * One JSON line for a file sink (and, for alerts, a Kinesis record). {@code category} is the folder under the
 * workload (e.g. {@code pickup_hotspots}, {@code alerts}, {@code malformed}); {@code partitionMillis} picks the
 * {@code dt=/hour=} partition: the window start for results, the event time for alerts and late records.
 */
public class OutputLine {
    public String category;
    public long partitionMillis;
    public String json;
    /** Kinesis partition key for alerts (device, cell); any stable string otherwise. */
    public String key;

    public OutputLine() {
    }

    public OutputLine(String category, long partitionMillis, String key, String json) {
        this.category = category;
        this.partitionMillis = partitionMillis;
        this.key = key;
        this.json = json;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OutputLine)) {
            return false;
        }
        OutputLine that = (OutputLine) o;
        return partitionMillis == that.partitionMillis && Objects.equals(category, that.category)
                && Objects.equals(json, that.json) && Objects.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(category, partitionMillis, json, key);
    }

    @Override
    public String toString() {
        return category + "@" + partitionMillis + " " + json;
    }
}
