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
        final List<Long> callTimes = new ArrayList<>();

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
            callTimes.add(System.nanoTime());
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

    @Test
    void keepsEachShardWithinKinesisFiveReadsPerSecond() {
        ScriptedKinesis kinesis = new ScriptedKinesis(Map.of("shard-0", 0L, "shard-1", 0L));
        PacedLagRecordingProxy proxy = new PacedLagRecordingProxy(kinesis, new ShardLag());
        for (int i = 0; i < 3; i++) {
            proxy.getRecords("arn", "shard-0", StartingPosition.fromStart());
            proxy.getRecords("arn", "shard-1", StartingPosition.fromStart());
        }
        long minGapNanos = PacedLagRecordingProxy.MIN_MILLIS_BETWEEN_CALLS_PER_SHARD * 1_000_000L;
        for (String shard : List.of("shard-0", "shard-1")) {
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < kinesis.calls.size(); i++) {
                if (kinesis.calls.get(i).equals(shard)) {
                    times.add(kinesis.callTimes.get(i));
                }
            }
            assertEquals(3, times.size());
            for (int i = 1; i < times.size(); i++) {
                // Sleep granularity is milliseconds: allow for the one that rounding can lose.
                assertTrue(times.get(i) - times.get(i - 1) >= minGapNanos - 1_000_000L,
                        shard + " called again after " + (times.get(i) - times.get(i - 1)) / 1_000_000 + " ms");
            }
        }
        // The second shard is not held back by the first: its first call follows the first shard's at once.
        assertTrue(kinesis.callTimes.get(1) - kinesis.callTimes.get(0) < minGapNanos);
    }
}
