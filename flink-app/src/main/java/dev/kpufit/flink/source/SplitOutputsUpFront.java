package dev.kpufit.flink.source;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A source reader that registers each assigned split's watermark output as soon as the split is assigned, not
 * when its first batch arrives (Flink's SourceReaderBase creates it lazily). Until a split has emitted records
 * (or gone idle), its output holds the subtask's watermark back, so the first split to return a batch after a
 * start or restore cannot push the watermark past the records still waiting in the others.
 *
 * <p>It also tells {@code onAssigned} each split id as it is assigned (the Kinesis source names its reader's
 * shards that way: a reader draining a backlog reads one shard's large batch at a time, so the shards it has
 * called GetRecords on can be a few of those it owns for minutes).
 */
public final class SplitOutputsUpFront<T, SplitT extends SourceSplit> implements SourceReader<T, SplitT> {
    private final SourceReader<T, SplitT> delegate;
    private final List<String> newSplits = new ArrayList<>();
    private final Consumer<String> onAssigned;

    public SplitOutputsUpFront(SourceReader<T, SplitT> delegate) {
        this(delegate, id -> { });
    }

    public SplitOutputsUpFront(SourceReader<T, SplitT> delegate, Consumer<String> onAssigned) {
        this.delegate = delegate;
        this.onAssigned = onAssigned;
    }

    @Override
    public void start() {
        delegate.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        if (!newSplits.isEmpty()) {
            // Idempotent: SourceReaderBase later gets the same output back for the split.
            newSplits.forEach(output::createOutputForSplit);
            newSplits.clear();
        }
        return delegate.pollNext(output);
    }

    @Override
    public List<SplitT> snapshotState(long checkpointId) {
        return delegate.snapshotState(checkpointId);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return delegate.isAvailable();
    }

    @Override
    public void addSplits(List<SplitT> splits) {
        splits.forEach(s -> newSplits.add(s.splitId()));
        splits.forEach(s -> onAssigned.accept(s.splitId()));
        delegate.addSplits(splits);
    }

    @Override
    public void notifyNoMoreSplits() {
        delegate.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(org.apache.flink.api.connector.source.SourceEvent sourceEvent) {
        delegate.handleSourceEvents(sourceEvent);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        delegate.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        delegate.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> splitsToPause, Collection<String> splitsToResume) {
        delegate.pauseOrResumeSplits(splitsToPause, splitsToResume);
    }

    @Override
    public void close() throws Exception {
        delegate.close();
    }
}
