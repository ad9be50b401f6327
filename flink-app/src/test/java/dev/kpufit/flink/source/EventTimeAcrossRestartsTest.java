package dev.kpufit.flink.source;

import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.config.WorkloadKind;
import dev.kpufit.flink.pipeline.OutputLine;
import dev.kpufit.flink.pipeline.Outputs;
import dev.kpufit.flink.pipeline.WatermarkMode;
import dev.kpufit.flink.workloads.WorkloadPipeline;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event time across the restarts kpufit causes (every UpdateApplication, calibration trial and autoscaling step):
 * shards of uneven size read as a backlog, after a fresh start and after a stop-with-savepoint restored at another
 * parallelism, must give exactly the windows of an uninterrupted run that read the same records as they arrived
 * (in event-time order): no late records, none lost, none twice.
 */
class EventTimeAcrossRestartsTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(4)
                    .build());

    static final long START = Instant.parse("2026-01-15T08:00:00Z").toEpochMilli();
    static final long SPAN = 20 * 60_000L;
    /** Records per shard: the same 20 minutes of event time, very differently dense. */
    static final int[] SHARD_SIZES = {2400, 900, 300, 60};
    /** Like a Kinesis GetRecords batch: many records of one shard at a time. */
    static final int BATCH = 50;

    static final Map<String, Queue<OutputLine>> SINKS = new ConcurrentHashMap<>();
    /**
     * {@code -Dkpufit.oldWiring=true} runs the two tests above on the old wiring, to see them fail:
     * {@code mvn -f flink-app -Dtest=EventTimeAcrossRestartsTest -Dkpufit.oldWiring=true test}.
     */
    static final boolean OLD_WIRING = Boolean.getBoolean("kpufit.oldWiring");

    static JobSettings job() {
        return JobSettings.defaults(WorkloadKind.IOT).withWindow(60_000L, 5_000L);
    }

    /** Shard s holds devices d where d % shards == s (a partition key per device), in event-time order +- 2 s. */
    static List<List<String>> shards() {
        List<List<String>> shards = new ArrayList<>();
        for (int s = 0; s < SHARD_SIZES.length; s++) {
            List<String> lines = new ArrayList<>();
            int n = SHARD_SIZES[s];
            for (int k = 0; k < n; k++) {
                long ts = START + k * SPAN / n + (k % 3) * 1000L;
                int device = s + SHARD_SIZES.length * (k % 5);
                int value = (k * 7 + s) % 95;
                lines.add(String.format("{\"device_id\":\"device-%04d\",\"timestamp\":\"%s\",\"sensor_type\":\"temperature\","
                        + "\"value\":%d,\"unit\":\"celsius\",\"location\":\"plant-1/line-%d\"}", device, Instant.ofEpochMilli(ts), value, s));
            }
            shards.add(lines);
        }
        return shards;
    }

    /** Every record in one shard in event-time order: what a job that kept up with the stream saw. */
    static List<List<String>> asArrived() {
        List<String> all = shards().stream().flatMap(List::stream)
                .sorted(Comparator.comparing(l -> l.substring(l.indexOf("\"timestamp\""))))
                .collect(Collectors.toList());
        return List.of(all);
    }

    static final class Run {
        final List<String> results;
        final List<String> alerts;
        final List<String> late;

        Run(String id) {
            this.results = lines(id, "results");
            this.alerts = lines(id, "alerts");
            this.late = lines(id, "errors").stream().filter(l -> l.contains("\"reason\":\"late")).collect(Collectors.toList());
        }

        static List<String> lines(String id, String kind) {
            return SINKS.getOrDefault(id + "/" + kind, new ConcurrentLinkedQueue<>()).stream()
                    .map(l -> l.json).sorted().collect(Collectors.toList());
        }
    }

    static StreamGraph graph(String runId, List<List<String>> shards, int parallelism, String gateId, WatermarkMode mode,
                             boolean oldWiring) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.setMaxParallelism(256);
        Outputs out = WorkloadPipeline.of(WorkloadKind.IOT)
                .build(new ListRecords(env, shards, parallelism, gateId, BATCH, oldWiring), job(), mode);
        out.results.addSink(new Collect(runId + "/results")).uid("collect-results");
        out.alerts.addSink(new Collect(runId + "/alerts")).uid("collect-alerts");
        out.errors.addSink(new Collect(runId + "/errors")).uid("collect-errors");
        return env.getStreamGraph();
    }

    static Run runToEnd(List<List<String>> shards, int parallelism, WatermarkMode mode, boolean oldWiring) throws Exception {
        String id = UUID.randomUUID().toString();
        StreamExecutionEnvironment.getExecutionEnvironment()
                .execute(graph(id, shards, parallelism, id, mode, oldWiring));
        return new Run(id);
    }

    /** Reads 40% of every shard at parallelism 2, stops with a savepoint, restores at 3 over the backlog. */
    static Run stopAndRestore(Path dir, WatermarkMode mode, boolean oldWiring) throws Exception {
        String id = UUID.randomUUID().toString();
        String gate = id + "-first";
        List<List<String>> shards = shards();
        for (int s = 0; s < shards.size(); s++) {
            SplitsSource.hold(gate, SplitsSource.splitId(s), shards.get(s).size() * 2 / 5);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobClient first = env.executeAsync(graph(id, shards, 2, gate, mode, oldWiring));
        long deadline = System.currentTimeMillis() + 120_000;
        for (int s = 0; s < shards.size(); s++) {
            while (SplitsSource.reached(gate, SplitsSource.splitId(s)) < shards.get(s).size() * 2 / 5) {
                assertTrue(System.currentTimeMillis() < deadline, "first run did not reach its gates");
                Thread.sleep(20);
            }
        }
        Thread.sleep(1_000); // let watermarks through, so some windows fire before the stop
        String savepoint = first.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL).get();
        assertTrue(Run.lines(id, "results").size() > 0, "windows before the stop");

        StreamGraph second = graph(id, shards, 3, id + "-second", mode, oldWiring);
        second.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        env.execute(second);
        return new Run(id);
    }

    static void assertSameAsUninterrupted(Run run, String what) throws Exception {
        Run expected = runToEnd(asArrived(), 1, WatermarkMode.PERIODIC, false);
        System.out.printf("%s: %d late, %d window results (uninterrupted: %d late, %d results)%n", what, run.late.size(),
                run.results.size(), expected.late.size(), expected.results.size());
        assertEquals(List.of(), expected.late, "the as-arrived run has no late records");
        assertEquals(List.of(), run.late, what + ": late records");
        assertEquals(expected.results.size(), run.results.size(), what + ": number of window results");
        assertEquals(expected.results, run.results, what + ": window results");
        assertEquals(expected.alerts, run.alerts, what + ": alerts");
    }

    @ParameterizedTest
    @EnumSource(WatermarkMode.class)
    void aFreshStartOverABacklogGivesTheUninterruptedWindows(WatermarkMode mode) throws Exception {
        assertSameAsUninterrupted(runToEnd(shards(), 2, mode, OLD_WIRING), "fresh start");
    }

    @ParameterizedTest
    @EnumSource(WatermarkMode.class)
    void aRestoreAtAnotherParallelismOverABacklogGivesTheUninterruptedWindows(WatermarkMode mode, @TempDir Path dir)
            throws Exception {
        assertSameAsUninterrupted(stopAndRestore(dir, mode, OLD_WIRING), "stop with savepoint, restore at 3");
    }

    /** Guards the tests above: with the watermarks assigned after the source, the same inputs lose records. */
    @Test
    void theOldWiringWithOneWatermarkPerSubtaskMakesRecordsLate(@TempDir Path dir) throws Exception {
        Run fresh = runToEnd(shards(), 2, WatermarkMode.PER_EVENT, true);
        Run restored = stopAndRestore(dir, WatermarkMode.PER_EVENT, true);
        int total = java.util.Arrays.stream(SHARD_SIZES).sum();
        System.out.printf("old wiring: fresh start %d late of %d, restore %d late%n", fresh.late.size(), total, restored.late.size());
        assertTrue(fresh.late.size() > 0, "fresh start over a backlog");
        assertTrue(restored.late.size() > 0, "restore over a backlog");
    }

    static final class Collect implements SinkFunction<OutputLine> {
        private static final long serialVersionUID = 1L;
        private final String key;

        Collect(String key) {
            this.key = key;
        }

        @Override
        public void invoke(OutputLine value, Context context) {
            SINKS.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(value);
        }
    }
}
