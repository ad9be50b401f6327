package dev.kpufit.flink.kinesis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What one source reader knows of its shards: its worst lag and the shards it owns. */
class ShardLagTest {

    @Test
    void beforeAnyAssignmentOrAnswerTheLagIsUnknownAndNoShardIsOwned() {
        ShardLag lag = new ShardLag();
        assertEquals(ShardLag.UNKNOWN, lag.max());
        assertEquals("", lag.shardIds());
    }

    @Test
    void theLagIsTheMostBehindShardsLatestAnswer() {
        ShardLag lag = new ShardLag();
        lag.record("shardId-000000000001", 900L);
        lag.record("shardId-000000000000", 40L);
        lag.record("shardId-000000000001", 10L);
        assertEquals(40L, lag.max());
    }

    @Test
    void shardIdsAreEveryShardCalledOnceSortedAndCommaJoined() {
        ShardLag lag = new ShardLag();
        lag.record("shardId-000000000005", 3L);
        lag.record("shardId-000000000002", 0L);
        lag.record("shardId-000000000005", 0L);
        assertEquals("shardId-000000000002,shardId-000000000005", lag.shardIds());
    }

    @Test
    void anAssignedShardIsOwnedBeforeItsFirstCallAndWithoutALag() {
        ShardLag lag = new ShardLag();
        lag.assigned("shardId-000000000004");
        lag.record("shardId-000000000001", 5L);
        lag.assigned("shardId-000000000001");
        assertEquals("shardId-000000000001,shardId-000000000004", lag.shardIds());
        assertEquals(5L, lag.max());
    }

    @Test
    void anAnswerWithoutLagStillCountsItsShardAsReadButLeavesTheLagAlone() {
        ShardLag lag = new ShardLag();
        lag.record("shardId-000000000007", null);
        assertEquals("shardId-000000000007", lag.shardIds());
        assertEquals(ShardLag.UNKNOWN, lag.max());
    }
}
