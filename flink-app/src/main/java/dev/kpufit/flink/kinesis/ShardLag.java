package dev.kpufit.flink.kinesis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The latest millisBehindLatest that GetRecords reported per shard of one source reader. */
public final class ShardLag {
    /** Reported before the first GetRecords answer: "not known yet", distinct from "caught up" (0). */
    public static final long UNKNOWN = -1L;

    private final Map<String, Long> byShard = new ConcurrentHashMap<>();

    public void record(String shardId, Long millisBehindLatest) {
        if (millisBehindLatest != null) {
            byShard.put(shardId, millisBehindLatest);
        }
    }

    /** The worst shard: the reader is only as current as its most-behind shard. */
    public long max() {
        return byShard.values().stream().mapToLong(Long::longValue).max().orElse(UNKNOWN);
    }
}
