package dev.kpufit.flink.kinesis;

import org.apache.flink.connector.kinesis.source.proxy.StreamProxy;
import org.apache.flink.connector.kinesis.source.split.StartingPosition;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Shard;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Wraps the connector's stream proxy to (1) record each GetRecords' millisBehindLatest for the source's
 * {@code millisBehindLatest} gauge, and (2) pace GetRecords to Kinesis' limit of 5 calls per second per shard:
 * this connector version polls again immediately after an empty answer, which on a quiet shard would be
 * throttled by Kinesis and, after SDK retries, fail the fetcher.
 */
final class PacedLagRecordingProxy implements StreamProxy {
    static final long MIN_MILLIS_BETWEEN_CALLS_PER_SHARD = 200L;

    private final StreamProxy delegate;
    private final ShardLag lag;
    private final Map<String, Long> lastCallMillis = new ConcurrentHashMap<>();
    private final LongSupplier nowMillis;
    private final Sleeper sleeper;

    /** How the proxy waits; a seam so tests can pace on a scripted clock instead of the machine's. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    PacedLagRecordingProxy(StreamProxy delegate, ShardLag lag) {
        this(delegate, lag, System::currentTimeMillis, Thread::sleep);
    }

    PacedLagRecordingProxy(StreamProxy delegate, ShardLag lag, LongSupplier nowMillis, Sleeper sleeper) {
        this.delegate = delegate;
        this.lag = lag;
        this.nowMillis = nowMillis;
        this.sleeper = sleeper;
    }

    @Override
    public List<Shard> listShards(String streamArn, String lastSeenShardId) {
        return delegate.listShards(streamArn, lastSeenShardId);
    }

    @Override
    public GetRecordsResponse getRecords(String streamArn, String shardId, StartingPosition startingPosition) {
        Long last = lastCallMillis.get(shardId);
        if (last != null) {
            long wait = last + MIN_MILLIS_BETWEEN_CALLS_PER_SHARD - nowMillis.getAsLong();
            if (wait > 0) {
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        lastCallMillis.put(shardId, nowMillis.getAsLong());
        GetRecordsResponse response = delegate.getRecords(streamArn, shardId, startingPosition);
        lag.record(shardId, response.millisBehindLatest());
        return response;
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
