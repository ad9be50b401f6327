package dev.kpufit.flink.kinesis;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One source reader's shards: the latest millisBehindLatest GetRecords reported per shard, and which shards
 * the reader owns (assigned to it, or read by it).
 */
public final class ShardLag {
    /** Reported before the first GetRecords answer: "not known yet", distinct from "caught up" (0). */
    public static final long UNKNOWN = -1L;

    private final Map<String, Long> byShard = new ConcurrentHashMap<>();
    private final Set<String> shards = ConcurrentHashMap.newKeySet();

    /** The shard was assigned to this reader: it owns it before its first GetRecords call. */
    public void assigned(String shardId) {
        shards.add(shardId);
    }

    public void record(String shardId, Long millisBehindLatest) {
        shards.add(shardId);
        if (millisBehindLatest != null) {
            byShard.put(shardId, millisBehindLatest);
        }
    }

    /** The worst shard: the reader is only as current as its most-behind shard. */
    public long max() {
        return byShard.values().stream().mapToLong(Long::longValue).max().orElse(UNKNOWN);
    }

    /**
     * The shards this reader owns, sorted and comma-joined ("" before the first assignment or call). With
     * each subtask's consumption it tells how uneven load spreads over subtasks: a subtask that reads a hot
     * shard, or more shards than the others, saturates first once the load is steady (docs/local-calibration.md).
     */
    public String shardIds() {
        return String.join(",", new TreeSet<>(shards));
    }
}
