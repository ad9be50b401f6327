package dev.kpufit.flink.kinesis;

import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The first shard listing of a fresh start is assigned when the last reader registers, not 10 s later. */
class AssignOnceReadersRegisterTest {
    static final class Split implements SourceSplit {
        final String id;

        Split(String id) {
            this.id = id;
        }

        @Override
        public String splitId() {
            return id;
        }
    }

    /** Runs async calls at once; periodic ones are only recorded (they would come 10 s later). */
    static final class Context implements SplitEnumeratorContext<Split> {
        final Map<Integer, ReaderInfo> readers = new HashMap<>();
        final List<String> assigned = new ArrayList<>();
        int periodicCalls;

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return null;
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
        }

        @Override
        public int currentParallelism() {
            return 2;
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return readers;
        }

        @Override
        public void assignSplits(SplitsAssignment<Split> assignment) {
            assignment.assignment().forEach((subtask, splits) -> splits.forEach(s -> assigned.add(subtask + ":" + s.id)));
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            try {
                handler.accept(callable.call(), null);
            } catch (Exception e) {
                handler.accept(null, e);
            }
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelay, long period) {
            periodicCalls++;
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            runnable.run();
        }

        void register(int subtask) {
            readers.put(subtask, new ReaderInfo(subtask, "localhost"));
        }
    }

    /** What KinesisStreamsSourceEnumerator 4.3.0 does: list once at start, skip assignment unless all readers are up. */
    static final class ConnectorLikeEnumerator implements SplitEnumerator<Split, Void> {
        final SplitEnumeratorContext<Split> context;
        final List<Split> parked = new ArrayList<>();

        ConnectorLikeEnumerator(SplitEnumeratorContext<Split> context) {
            this.context = context;
        }

        @Override
        public void start() {
            context.callAsync(() -> List.of(new Split("shard-0"), new Split("shard-1")), this::assign);
            context.callAsync(List::<Split>of, this::assign, 10_000, 10_000);
        }

        void assign(List<Split> splits, Throwable error) {
            if (context.registeredReaders().size() < context.currentParallelism()) {
                parked.addAll(splits);
                return;
            }
            Map<Integer, List<Split>> m = new HashMap<>();
            for (int i = 0; i < splits.size(); i++) {
                m.computeIfAbsent(i % 2, k -> new ArrayList<>()).add(splits.get(i));
            }
            context.assignSplits(new SplitsAssignment<>(m));
        }

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
        }

        @Override
        public void addSplitsBack(List<Split> splits, int subtaskId) {
        }

        @Override
        public void addReader(int subtaskId) {
        }

        @Override
        public Void snapshotState(long checkpointId) {
            return null;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theConnectorAloneParksTheFirstListingUntilTheNextDiscovery() {
        Context context = new Context();
        ConnectorLikeEnumerator enumerator = new ConnectorLikeEnumerator(context);
        enumerator.start();
        context.register(0);
        enumerator.addReader(0);
        context.register(1);
        enumerator.addReader(1);
        assertEquals(List.of(), context.assigned);
        assertEquals(2, enumerator.parked.size());
    }

    @Test
    void wrappedTheFirstListingIsAssignedWhenTheLastReaderRegisters() throws Exception {
        Context context = new Context();
        SplitEnumerator<Split, Void> enumerator = AssignOnceReadersRegister.wrap(context, ConnectorLikeEnumerator::new);
        enumerator.start();
        context.register(0);
        enumerator.addReader(0);
        assertEquals(List.of(), context.assigned, "not while a reader is missing");
        context.register(1);
        enumerator.addReader(1);
        assertEquals(List.of("0:shard-0", "1:shard-1"), context.assigned);
        assertEquals(1, context.periodicCalls, "periodic discovery is left as it is");
    }

    @Test
    void wrappedAListingAfterAllReadersAreUpIsAssignedAtOnce() throws Exception {
        Context context = new Context();
        context.register(0);
        context.register(1);
        SplitEnumerator<Split, Void> enumerator = AssignOnceReadersRegister.wrap(context, ConnectorLikeEnumerator::new);
        enumerator.start();
        assertEquals(List.of("0:shard-0", "1:shard-1"), context.assigned);
    }
}
