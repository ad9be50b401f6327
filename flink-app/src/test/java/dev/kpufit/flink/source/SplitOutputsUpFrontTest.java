package dev.kpufit.flink.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;
import org.junit.jupiter.api.Test;

/** Split assignment as the wrapper passes it on: to the wrapped reader, and by id to whoever wants to know. */
class SplitOutputsUpFrontTest {

    static final class Split implements SourceSplit {
        final String id;

        Split(String id) {
            this.id = id;
        }

        @Override
        public String splitId() {
            return id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Split && ((Split) o).id.equals(id);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** Records the splits it is given; nothing else is called in these tests. */
    static final class RecordingReader implements SourceReader<String, Split> {
        final List<Split> added = new ArrayList<>();

        @Override
        public void start() {
        }

        @Override
        public InputStatus pollNext(ReaderOutput<String> output) {
            return InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public List<Split> snapshotState(long checkpointId) {
            return List.copyOf(added);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void addSplits(List<Split> splits) {
            added.addAll(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void everyAssignedSplitIdIsToldInOrderAndTheSplitsReachTheWrappedReader() {
        RecordingReader inner = new RecordingReader();
        List<String> told = new ArrayList<>();
        SplitOutputsUpFront<String, Split> reader = new SplitOutputsUpFront<>(inner, told::add);
        reader.addSplits(List.of(new Split("shardId-000000000003"), new Split("shardId-000000000000")));
        reader.addSplits(List.of(new Split("shardId-000000000005")));
        assertEquals(List.of("shardId-000000000003", "shardId-000000000000", "shardId-000000000005"), told);
        assertEquals(List.of(new Split("shardId-000000000003"), new Split("shardId-000000000000"), new Split("shardId-000000000005")),
                inner.added);
    }

    @Test
    void withoutAListenerSplitsStillReachTheWrappedReader() {
        RecordingReader inner = new RecordingReader();
        new SplitOutputsUpFront<>(inner).addSplits(List.of(new Split("s")));
        assertEquals(List.of(new Split("s")), inner.added);
    }
}
