package dev.kpufit.flink.kinesis;

import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * Removes the connector's first-discovery delay on a fresh start. KinesisStreamsSourceEnumerator (4.3.0) lists the
 * shards once as soon as it starts, but if not every reader has registered by the time the listing returns (the
 * usual case: the enumerator starts before the source tasks are deployed) it logs "Insufficient registered
 * readers, skipping assignment" and parks the shards until the next periodic discovery,
 * {@code flink.shard.discovery.intervalmillis} (10 s) later. Restores are not affected (they start from the
 * assignment in the savepoint). Here the result of that one-off listing is held in the coordinator until the last
 * reader registers, then handed to the connector, which assigns it at once. Periodic discovery is untouched.
 */
final class AssignOnceReadersRegister<SplitT extends SourceSplit, CheckpointT> implements SplitEnumerator<SplitT, CheckpointT> {
    private final SplitEnumerator<SplitT, CheckpointT> delegate;
    private final HoldingContext<SplitT> context;

    private AssignOnceReadersRegister(SplitEnumerator<SplitT, CheckpointT> delegate, HoldingContext<SplitT> context) {
        this.delegate = delegate;
        this.context = context;
    }

    interface EnumeratorFactory<SplitT extends SourceSplit, CheckpointT> {
        SplitEnumerator<SplitT, CheckpointT> create(SplitEnumeratorContext<SplitT> context) throws Exception;
    }

    static <SplitT extends SourceSplit, CheckpointT> SplitEnumerator<SplitT, CheckpointT> wrap(
            SplitEnumeratorContext<SplitT> context, EnumeratorFactory<SplitT, CheckpointT> factory) throws Exception {
        HoldingContext<SplitT> holding = new HoldingContext<>(context);
        return new AssignOnceReadersRegister<>(factory.create(holding), holding);
    }

    @Override
    public void start() {
        delegate.start();
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        delegate.handleSplitRequest(subtaskId, requesterHostname);
    }

    @Override
    public void addSplitsBack(List<SplitT> splits, int subtaskId) {
        delegate.addSplitsBack(splits, subtaskId);
    }

    @Override
    public void addReader(int subtaskId) {
        delegate.addReader(subtaskId);
        context.releaseIfAllReadersRegistered();
    }

    @Override
    public CheckpointT snapshotState(long checkpointId) throws Exception {
        return delegate.snapshotState(checkpointId);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
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
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        delegate.handleSourceEvent(subtaskId, sourceEvent);
    }

    /** Holds the results of one-off async calls (the initial discovery) until every reader has registered. */
    static final class HoldingContext<SplitT extends SourceSplit> implements SplitEnumeratorContext<SplitT> {
        private static final Logger LOG = LoggerFactory.getLogger(AssignOnceReadersRegister.class);
        private final SplitEnumeratorContext<SplitT> delegate;
        private final List<Runnable> held = new ArrayList<>();

        HoldingContext(SplitEnumeratorContext<SplitT> delegate) {
            this.delegate = delegate;
        }

        boolean allReadersRegistered() {
            return delegate.registeredReaders().size() >= delegate.currentParallelism();
        }

        /** Runs in the coordinator thread, as the held handlers expect. */
        void releaseIfAllReadersRegistered() {
            if (!held.isEmpty() && allReadersRegistered()) {
                List<Runnable> release = new ArrayList<>(held);
                held.clear();
                release.forEach(Runnable::run);
            }
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            delegate.callAsync(callable, (result, error) -> {
                if (error != null || allReadersRegistered()) {
                    handler.accept(result, error);
                } else {
                    LOG.info("Shards listed before all source readers registered ({} of {}): assigning them when the "
                            + "last one registers, not at the next discovery", delegate.registeredReaders().size(),
                            delegate.currentParallelism());
                    held.add(() -> handler.accept(result, null));
                }
            });
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelay, long period) {
            delegate.callAsync(callable, handler, initialDelay, period);
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return delegate.metricGroup();
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
            delegate.sendEventToSourceReader(subtaskId, event);
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, int attemptNumber, SourceEvent event) {
            delegate.sendEventToSourceReader(subtaskId, attemptNumber, event);
        }

        @Override
        public int currentParallelism() {
            return delegate.currentParallelism();
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return delegate.registeredReaders();
        }

        @Override
        public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
            return delegate.registeredReadersOfAttempts();
        }

        @Override
        public void assignSplits(SplitsAssignment<SplitT> newSplitAssignments) {
            delegate.assignSplits(newSplitAssignments);
        }

        @Override
        public void assignSplit(SplitT split, int subtask) {
            delegate.assignSplit(split, subtask);
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            delegate.signalNoMoreSplits(subtask);
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            delegate.runInCoordinatorThread(runnable);
        }

        @Override
        public void setIsProcessingBacklog(boolean isProcessingBacklog) {
            delegate.setIsProcessingBacklog(isProcessingBacklog);
        }
    }
}
