package dev.kpufit.flink.kinesis;

import dev.kpufit.flink.config.InputSettings;
import dev.kpufit.flink.pipeline.JobMetrics;
import dev.kpufit.flink.source.SplitOutputsUpFront;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;
import org.apache.flink.connector.kinesis.source.enumerator.KinesisStreamsSourceEnumeratorState;
import org.apache.flink.connector.kinesis.source.proxy.StreamProxy;
import org.apache.flink.connector.kinesis.source.reader.KinesisStreamsRecordEmitter;
import org.apache.flink.connector.kinesis.source.reader.KinesisStreamsSourceReader;
import org.apache.flink.connector.kinesis.source.reader.PollingKinesisShardSplitReader;
import org.apache.flink.connector.kinesis.source.serialization.KinesisDeserializationSchema;
import org.apache.flink.connector.kinesis.source.split.KinesisShardSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;

import java.lang.reflect.Method;

/**
 * The FLIP-27 {@link KinesisStreamsSource}, with a {@code millisBehindLatest} gauge on each reader (the connector
 * version available here does not publish it; Managed Flink's calibration reads it). Enumeration, splits and
 * checkpoint state are the connector's own, so savepoints stay compatible with a plain KinesisStreamsSource.
 * Two additions: each shard's watermark output exists from the moment the shard is assigned
 * ({@link SplitOutputsUpFront}), and a fresh start assigns the shards as soon as all readers are up instead of
 * one discovery interval later ({@link AssignOnceReadersRegister}).
 */
public final class KinesisSource<T> implements Source<T, KinesisShardSplit, KinesisStreamsSourceEnumeratorState> {
    private static final long serialVersionUID = 1L;
    public static final String LAG_GAUGE = JobMetrics.LAG_GAUGE;

    private final KinesisStreamsSource<T> delegate;
    private final Configuration config;
    private final KinesisDeserializationSchema<T> records;
    private final String streamName;

    public KinesisSource(InputSettings input, KinesisDeserializationSchema<T> records) {
        this.config = KinesisClientProperties.forSource(input);
        this.records = records;
        this.streamName = input.streamName;
        this.delegate = KinesisStreamsSource.<T>builder()
                .setStreamArn(input.streamArn)
                .setSourceConfig(config)
                .setDeserializationSchema(records)
                .build();
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SourceReader<T, KinesisShardSplit> createReader(SourceReaderContext context) {
        ShardLag lag = new ShardLag();
        JobMetrics.lagGauge(context.metricGroup(), streamName, (Gauge<Long>) lag::max);
        JobMetrics.shardIdsGauge(context.metricGroup(), (Gauge<String>) lag::shardIds);
        FutureCompletingBlockingQueue<RecordsWithSplitIds<Record>> queue = new FutureCompletingBlockingQueue<>();
        SingleThreadFetcherManager<Record, KinesisShardSplit> fetchers = new SingleThreadFetcherManager<>(
                queue, () -> new PollingKinesisShardSplitReader(new PacedLagRecordingProxy(connectorProxy(), lag)));
        // A Kinesis split's id is its shard id.
        return new SplitOutputsUpFront<>(new KinesisStreamsSourceReader<>(
                queue, fetchers, new KinesisStreamsRecordEmitter<>(records), config, context), lag::assigned);
    }

    /** The connector's own client set-up (credentials, endpoint, HTTP client) rather than a copy of it. */
    private StreamProxy connectorProxy() {
        try {
            Method m = KinesisStreamsSource.class.getDeclaredMethod("createKinesisStreamProxy", Configuration.class);
            m.setAccessible(true);
            return (StreamProxy) m.invoke(delegate, config);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Kinesis connector changed: cannot create its stream proxy", e);
        }
    }

    @Override
    public SplitEnumerator<KinesisShardSplit, KinesisStreamsSourceEnumeratorState> createEnumerator(
            SplitEnumeratorContext<KinesisShardSplit> context) throws Exception {
        return AssignOnceReadersRegister.wrap(context, delegate::createEnumerator);
    }

    @Override
    public SplitEnumerator<KinesisShardSplit, KinesisStreamsSourceEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<KinesisShardSplit> context, KinesisStreamsSourceEnumeratorState state) throws Exception {
        return AssignOnceReadersRegister.wrap(context, c -> delegate.restoreEnumerator(c, state));
    }

    @Override
    public SimpleVersionedSerializer<KinesisShardSplit> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KinesisStreamsSourceEnumeratorState> getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }
}
