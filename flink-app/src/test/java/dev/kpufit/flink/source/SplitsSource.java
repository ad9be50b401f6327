package dev.kpufit.flink.source;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.types.Either;
import org.apache.flink.util.InstantiationUtil;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the Kinesis source in MiniCluster tests: fixed lists of records as splits ("shards"), read the way
 * the connector reads shards (one SourceReaderBase fetcher taking a batch from one split at a time, round robin),
 * decoded with the production {@link RecordDecoder}, and with the same {@link SplitOutputsUpFront} reader wrapper.
 * Offsets are checkpointed, so it can be stopped with a savepoint and restored at another parallelism. A gate can
 * hold each split at an offset, to leave a backlog behind a savepoint; the source is bounded once no gate holds it.
 */
public final class SplitsSource<T> implements Source<Either<Malformed, T>, SplitsSource.TextSplit, ArrayList<SplitsSource.TextSplit>> {
    private static final long serialVersionUID = 1L;
    /** gate id / split id -> first offset not to emit yet. */
    private static final Map<String, Integer> GATES = new ConcurrentHashMap<>();
    /** gate id / split id -> next offset to emit (what the readers have reached). */
    private static final Map<String, Integer> REACHED = new ConcurrentHashMap<>();

    private final List<List<String>> splits;
    private final RecordDecoder<T> decoder;
    private final String gateId;
    private final int batchSize;
    /** Wrap readers like the production KinesisSource does; false reproduces Flink's lazy split outputs. */
    private final boolean outputsUpFront;

    public SplitsSource(List<List<String>> splits, RecordDecoder<T> decoder, String gateId, int batchSize,
                        boolean outputsUpFront) {
        this.splits = splits;
        this.decoder = decoder;
        this.gateId = gateId;
        this.batchSize = batchSize;
        this.outputsUpFront = outputsUpFront;
    }

    public static void hold(String gateId, String splitId, int offset) {
        GATES.put(gateId + "/" + splitId, offset);
    }

    public static int reached(String gateId, String splitId) {
        return REACHED.getOrDefault(gateId + "/" + splitId, 0);
    }

    static String splitId(int index) {
        return "shard-" + index;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<Either<Malformed, T>, TextSplit> createReader(SourceReaderContext context) {
        SourceReader<Either<Malformed, T>, TextSplit> reader = new Reader<>(
                () -> new Fetcher(gateId, batchSize), new Emitter<>(decoder, gateId), new Configuration(), context);
        return outputsUpFront ? new SplitOutputsUpFront<>(reader) : reader;
    }

    @Override
    public SplitEnumerator<TextSplit, ArrayList<TextSplit>> createEnumerator(SplitEnumeratorContext<TextSplit> context) {
        ArrayList<TextSplit> all = new ArrayList<>();
        for (int i = 0; i < splits.size(); i++) {
            all.add(new TextSplit(splitId(i), splits.get(i), 0));
        }
        return new Enumerator(context, all);
    }

    @Override
    public SplitEnumerator<TextSplit, ArrayList<TextSplit>> restoreEnumerator(SplitEnumeratorContext<TextSplit> context,
                                                                              ArrayList<TextSplit> state) {
        return new Enumerator(context, state);
    }

    @Override
    public SimpleVersionedSerializer<TextSplit> getSplitSerializer() {
        return new JavaSerializer<>();
    }

    @Override
    public SimpleVersionedSerializer<ArrayList<TextSplit>> getEnumeratorCheckpointSerializer() {
        return new JavaSerializer<>();
    }

    /** A shard: its records and the offset of the next one to read. */
    public static final class TextSplit implements SourceSplit, Serializable {
        private static final long serialVersionUID = 1L;
        final String id;
        final List<String> records;
        final int offset;

        TextSplit(String id, List<String> records, int offset) {
            this.id = id;
            this.records = records;
            this.offset = offset;
        }

        @Override
        public String splitId() {
            return id;
        }
    }

    static final class Cursor {
        final TextSplit split;
        int next;

        Cursor(TextSplit split) {
            this.split = split;
            this.next = split.offset;
        }
    }

    static final class Line {
        final String text;
        final int offset;

        Line(String text, int offset) {
            this.text = text;
            this.offset = offset;
        }
    }

    /** Assigns every split, round robin, once all readers are there; restored readers bring their own. */
    static final class Enumerator implements SplitEnumerator<TextSplit, ArrayList<TextSplit>> {
        private final SplitEnumeratorContext<TextSplit> context;
        private final ArrayList<TextSplit> unassigned;

        Enumerator(SplitEnumeratorContext<TextSplit> context, ArrayList<TextSplit> unassigned) {
            this.context = context;
            this.unassigned = new ArrayList<>(unassigned);
        }

        @Override
        public void start() {
        }

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
        }

        @Override
        public void addSplitsBack(List<TextSplit> splits, int subtaskId) {
            unassigned.addAll(splits);
        }

        @Override
        public void addReader(int subtaskId) {
            int readers = context.currentParallelism();
            if (context.registeredReaders().size() < readers) {
                return;
            }
            Map<Integer, List<TextSplit>> assignment = new HashMap<>();
            for (int i = 0; i < unassigned.size(); i++) {
                assignment.computeIfAbsent(i % readers, k -> new ArrayList<>()).add(unassigned.get(i));
            }
            unassigned.clear();
            if (!assignment.isEmpty()) {
                context.assignSplits(new SplitsAssignment<>(assignment));
            }
            context.registeredReaders().keySet().forEach(context::signalNoMoreSplits);
        }

        @Override
        public ArrayList<TextSplit> snapshotState(long checkpointId) {
            return new ArrayList<>(unassigned);
        }

        @Override
        public void close() {
        }
    }

    static final class Reader<T> extends SingleThreadMultiplexSourceReaderBase<Line, Either<Malformed, T>, TextSplit, Cursor> {
        Reader(java.util.function.Supplier<SplitReader<Line, TextSplit>> fetcher, RecordEmitter<Line, Either<Malformed, T>, Cursor> emitter,
               Configuration config, SourceReaderContext context) {
            super(fetcher, emitter, config, context);
        }

        @Override
        protected void onSplitFinished(Map<String, Cursor> finishedSplitIds) {
        }

        @Override
        protected Cursor initializedState(TextSplit split) {
            return new Cursor(split);
        }

        @Override
        protected TextSplit toSplitType(String splitId, Cursor state) {
            return new TextSplit(splitId, state.split.records, state.next);
        }

        @Override
        public InputStatus pollNext(ReaderOutput<Either<Malformed, T>> output) throws Exception {
            return super.pollNext(output);
        }
    }

    /** Like the Kinesis polling reader: one batch from one split per fetch, splits in turn. */
    static final class Fetcher implements SplitReader<Line, TextSplit> {
        private final String gateId;
        private final int batchSize;
        private final Deque<Cursor> splits = new ArrayDeque<>();

        Fetcher(String gateId, int batchSize) {
            this.gateId = gateId;
            this.batchSize = batchSize;
        }

        @Override
        public RecordsWithSplitIds<Line> fetch() throws IOException {
            RecordsBySplits.Builder<Line> batch = new RecordsBySplits.Builder<>();
            Cursor c = splits.poll();
            if (c == null) {
                return batch.build();
            }
            int size = c.split.records.size();
            int limit = Math.min(size, GATES.getOrDefault(gateId + "/" + c.split.id, Integer.MAX_VALUE));
            int end = Math.min(limit, c.next + batchSize);
            for (int i = c.next; i < end; i++) {
                batch.add(c.split.id, new Line(c.split.records.get(i), i));
            }
            boolean held = end == c.next;
            c.next = end;
            if (c.next >= size) {
                batch.addFinishedSplit(c.split.id);
            } else {
                splits.add(c);
            }
            if (held) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return batch.build();
        }

        @Override
        public void handleSplitsChanges(SplitsChange<TextSplit> change) {
            if (change instanceof SplitsAddition) {
                change.splits().forEach(s -> splits.add(new Cursor(s)));
            }
        }

        @Override
        public void wakeUp() {
        }

        @Override
        public void close() {
        }
    }

    static final class Emitter<T> implements RecordEmitter<Line, Either<Malformed, T>, Cursor> {
        private final RecordDecoder<T> decoder;
        private final String gateId;

        Emitter(RecordDecoder<T> decoder, String gateId) {
            this.decoder = decoder;
            this.gateId = gateId;
        }

        @Override
        public void emitRecord(Line line, SourceOutput<Either<Malformed, T>> output, Cursor state) {
            output.collect(decoder.decode(line.text));
            state.next = line.offset + 1;
            REACHED.put(gateId + "/" + state.split.id, state.next);
        }
    }

    static final class JavaSerializer<V extends Serializable> implements SimpleVersionedSerializer<V> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(V obj) throws IOException {
            return InstantiationUtil.serializeObject(obj);
        }

        @Override
        public V deserialize(int version, byte[] serialized) throws IOException {
            try {
                return InstantiationUtil.deserializeObject(serialized, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
        }
    }
}
