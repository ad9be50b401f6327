package dev.kpufit.flink.kinesis;

import org.apache.flink.connector.kinesis.source.proxy.StreamProxy;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Shard;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacedLagRecordingProxyTest {
    /** Answers GetRecords with a scripted millisBehindLatest per shard and remembers when it was called. */
    static final class ScriptedKinesis implements StreamProxy {
        final Map<String, Long> lag;
        final List<String> calls = new ArrayList<>();

        ScriptedKinesis(Map<String, Long> lag) {
            this.lag = lag;
        }

        @Override
        public List<Shard> listShards(String streamArn, String lastSeenShardId) {
            return List.of();
        }

        @Override
        public GetRecordsResponse getRecords(String streamArn, String shardId, StartingPosition startingPosition) {
            calls.add(shardId);
            return GetRecordsResponse.builder().millisBehindLatest(lag.get(shardId)).build();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void reportsTheMostBehindShardAndUnknownBeforeTheFirstAnswer() {
        ShardLag lag = new ShardLag();
        assertEquals(ShardLag.UNKNOWN, lag.max());
        PacedLagRecordingProxy proxy = new PacedLagRecordingProxy(
                new ScriptedKinesis(Map.of("shard-0", 1_500L, "shard-1", 40L)), lag);
        proxy.getRecords("arn", "shard-1", StartingPosition.fromStart());
        assertEquals(40L, lag.max());
        proxy.getRecords("arn", "shard-0", StartingPosition.fromStart());
        assertEquals(1_500L, lag.max());
    }

    /** A clock that moves only when the proxy sleeps or the test advances it: pacing without the machine's timing. */
    static final class ScriptedClock {
        long now = 1_000_000L;
        final List<Long> sleeps = new ArrayList<>();

        void sleep(long millis) {
            sleeps.add(millis);
            now += millis;
        }
    }

    @Test
    void keepsEachShardWithinKinesisFiveReadsPerSecond() {
        ScriptedClock clock = new ScriptedClock();
        ScriptedKinesis kinesis = new ScriptedKinesis(Map.of("shard-0", 0L, "shard-1", 0L));
        PacedLagRecordingProxy proxy = new PacedLagRecordingProxy(kinesis, new ShardLag(), () -> clock.now, clock::sleep);
        // Back-to-back calls on one shard wait out the rest of its 200 ms.
        proxy.getRecords("arn", "shard-0", StartingPosition.fromStart());
        clock.now += 50;
        proxy.getRecords("arn", "shard-0", StartingPosition.fromStart());
        assertEquals(List.of(150L), clock.sleeps);
        // The other shard is not held back by the first: its first call goes at once.
        proxy.getRecords("arn", "shard-1", StartingPosition.fromStart());
        assertEquals(List.of(150L), clock.sleeps);
        // A call that comes after the gap anyway does not wait.
        clock.now += PacedLagRecordingProxy.MIN_MILLIS_BETWEEN_CALLS_PER_SHARD;
        proxy.getRecords("arn", "shard-0", StartingPosition.fromStart());
        assertEquals(List.of(150L), clock.sleeps);
        // Called again immediately, the shard waits the whole gap.
        proxy.getRecords("arn", "shard-0", StartingPosition.fromStart());
        assertEquals(List.of(150L, 200L), clock.sleeps);
        assertEquals(List.of("shard-0", "shard-0", "shard-1", "shard-0", "shard-0"), kinesis.calls);
    }

    @Test
    void anInterruptedWaitStillMakesTheCallAndKeepsTheInterruptFlag() {
        ScriptedKinesis kinesis = new ScriptedKinesis(Map.of("shard-0", 7L));
        ShardLag lag = new ShardLag();
        PacedLagRecordingProxy proxy = new PacedLagRecordingProxy(kinesis, lag, () -> 0L, millis -> {
            throw new InterruptedException("stop");
        });
        proxy.getRecords("arn", "shard-0", StartingPosition.fromStart());
        proxy.getRecords("arn", "shard-0", StartingPosition.fromStart());
        try {
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the fetcher to see");
            assertEquals(2, kinesis.calls.size());
            assertEquals(7L, lag.max());
        } finally {
            Thread.interrupted();
        }
    }
}
