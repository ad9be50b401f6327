package dev.kpufit.flink.opensearch;

import dev.kpufit.flink.source.ListRecords;
import dev.kpufit.flink.source.Malformed;
import dev.kpufit.flink.source.RecordDecoder;
import dev.kpufit.flink.source.RecordSource;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpufit.flink.Fixtures;
import dev.kpufit.flink.config.CostSettings;
import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.config.WorkloadKind;
import dev.kpufit.flink.pipeline.OutputLine;
import dev.kpufit.flink.pipeline.Outputs;
import dev.kpufit.flink.pipeline.WatermarkMode;
import dev.kpufit.flink.workloads.WorkloadPipeline;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenSearch sink against a real OpenSearch node (EmbeddedOpenSearch) on the shared MiniCluster: the documents
 * read back from the node are the job's results, in daily indices mapped by the index template, and a job restored
 * from a savepoint that replays its input overwrites them instead of adding copies.
 */
class OpenSearchSinkTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static EmbeddedOpenSearch openSearch;

    @BeforeAll
    static void startOpenSearch() throws Exception {
        openSearch = EmbeddedOpenSearch.start();
    }

    @AfterAll
    static void stopOpenSearch() throws Exception {
        openSearch.close();
    }

    static JobSettings job(WorkloadKind workload) {
        return job(workload, 0L);
    }

    static JobSettings job(WorkloadKind workload, long outOfOrdernessMs) {
        // Hot-spot threshold 0: every hot spot (pick-ups > 0) also raises an alert, so alerts are indexed too.
        return new JobSettings(workload, 60_000L, outOfOrdernessMs, 0L, 0, 80.0, 100.0, 50.0, CostSettings.none());
    }

    static OpenSearchSettings settings(String prefix) {
        return new OpenSearchSettings(openSearch.endpoint(), OpenSearchSettings.Auth.NONE, null, null, null, prefix,
                100, 5, 200, 3, 50);
    }

    JsonNode get(String path) throws Exception {
        return MAPPER.readTree(openSearch.request("GET", path, null));
    }

    long count(String indices) throws Exception {
        openSearch.request("POST", "/" + indices + "/_refresh", null);
        return get("/" + indices + "/_count").get("count").asLong();
    }

    List<JsonNode> documents(String indices) throws Exception {
        openSearch.request("POST", "/" + indices + "/_refresh", null);
        JsonNode hits = MAPPER.readTree(openSearch.request("POST", "/" + indices + "/_search?version=true",
                "{\"size\":1000,\"sort\":[{\"_id\":\"asc\"}]}")).path("hits").path("hits");
        List<JsonNode> docs = new ArrayList<>();
        hits.forEach(docs::add);
        return docs;
    }

    @Test
    void indexesTaxiHotSpotsAirportTripsAndAlertsIntoDailyIndicesMappedByTheTemplate() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Outputs outputs = WorkloadPipeline.of(WorkloadKind.TAXI)
                .build(ListRecords.inOrder(env, Fixtures.lines("taxi", "valid")), job(WorkloadKind.TAXI, 3_600_000L), WatermarkMode.PER_EVENT);
        CloseableIterator<OutputLine> results = outputs.results.collectAsync();
        CloseableIterator<OutputLine> alerts = outputs.alerts.collectAsync();
        OpenSearchSinks.attach(outputs, settings("sinktest"), "taxi");
        env.execute("opensearch-taxi");
        List<OutputLine> resultLines = drain(results);
        List<OutputLine> alertLines = drain(alerts);
        assertTrue(resultLines.size() >= 3 && alertLines.size() >= 1, "fixtures give results and an alert: " + resultLines + alertLines);

        // Every result and alert is in the node, in its workload's or the alerts' index of the window's day.
        List<JsonNode> resultDocs = documents("sinktest-taxi-*");
        assertEquals(resultLines.size(), resultDocs.size());
        assertEquals(alertLines.size(), count("sinktest-alerts-*"));
        Set<String> indices = new TreeSet<>();
        resultDocs.forEach(d -> indices.add(d.get("_index").asText()));
        assertEquals(Set.of("sinktest-taxi-2026.01.15"), indices);

        Set<String> expected = new TreeSet<>();
        resultLines.forEach(l -> expected.add(l.category + "|" + parse(l.json).get("window_start").asText() + "|" + l.key));
        Set<String> indexed = new TreeSet<>();
        for (JsonNode d : resultDocs) {
            JsonNode s = d.get("_source");
            indexed.add(s.get("category").asText() + "|" + s.get("window_start").asText() + "|" + s.get("pickup_cell").asText());
            assertEquals(s.get("window_start").asText(), s.get("@timestamp").asText());
            assertEquals(s.get("pickup_cell").asText(), s.get("pickup_location").asText(), "the geohash cell is the map point");
        }
        assertEquals(expected, indexed);

        // The template made pickup_location a geo_point: a bounding box around Manhattan finds the Midtown hot spots.
        JsonNode mapping = get("/sinktest-taxi-2026.01.15/_mapping").path("sinktest-taxi-2026.01.15").path("mappings");
        assertEquals("geo_point", mapping.path("properties").path("pickup_location").path("type").asText());
        assertEquals("false", mapping.path("dynamic").asText());
        long inManhattan = MAPPER.readTree(openSearch.request("POST", "/sinktest-taxi-*/_count",
                "{\"query\":{\"geo_bounding_box\":{\"pickup_location\":{\"top_left\":{\"lat\":40.80,\"lon\":-74.02},"
                        + "\"bottom_right\":{\"lat\":40.70,\"lon\":-73.93}}}}}")).get("count").asLong();
        long midtownResults = resultLines.stream().filter(l -> l.key.startsWith("dr5ru")).count();
        assertTrue(midtownResults > 0);
        // Every Midtown cell is inside the box (other results, e.g. an airport trip keyed by its pick-up, may be too).
        assertTrue(inManhattan >= midtownResults, inManhattan + " documents in the box, " + midtownResults + " Midtown results");
        long inLondon = MAPPER.readTree(openSearch.request("POST", "/sinktest-taxi-*/_count",
                "{\"query\":{\"geo_bounding_box\":{\"pickup_location\":{\"top_left\":{\"lat\":51.6,\"lon\":-0.3},"
                        + "\"bottom_right\":{\"lat\":51.4,\"lon\":0.1}}}}}")).get("count").asLong();
        assertEquals(0, inLondon, "a box elsewhere finds no New York point");
    }

    @Test
    void aJobRestoredFromASavepointReplaysItsInputWithoutDuplicatingDocuments(@TempDir Path savepoints) throws Exception {
        List<String> records = new ArrayList<>(Fixtures.lines("iot", "valid"));
        String savepoint = runUntilStopped(records, null, savepoints);
        List<JsonNode> first = documents("restoretest-*");
        assertTrue(first.size() >= 2, "IoT windows and alerts indexed: " + first);
        first.forEach(d -> assertEquals(1, d.get("_version").asInt()));

        // The restored job's source starts over (as a Kinesis source replays what follows its checkpoint).
        runUntilStopped(records, savepoint, savepoints);
        List<JsonNode> second = documents("restoretest-*");
        assertEquals(first.size(), second.size(), "no document twice");
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i).get("_id"), second.get(i).get("_id"));
            assertEquals(first.get(i).get("_source"), second.get(i).get("_source"));
            assertEquals(2, second.get(i).get("_version").asInt(), "overwritten by the replay");
        }
    }

    /** Runs the IoT job on a source that emits the records and then idles; stops it with a draining savepoint. */
    /**
     * The records of a one-subtask source that emits and then idles (so a savepoint can be taken mid-run), decoded
     * and given their event time right after it: in order from one subtask, as the per-shard wiring would give them.
     */
    private static RecordSource decodedAfter(DataStream<String> raw) {
        return new RecordSource() {
            @Override
            public <T> DataStream<Either<Malformed, T>> read(RecordDecoder<T> decoder, WatermarkStrategy<Either<Malformed, T>> watermarks) {
                return raw.map(decoder::decode, decoder.producedType()).setParallelism(1).uid("test-decode")
                        .assignTimestampsAndWatermarks(watermarks).setParallelism(1).uid("test-event-time");
            }
        };
    }

    private String runUntilStopped(List<String> records, String restoreFrom, Path savepoints) throws Exception {
        Configuration conf = new Configuration();
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DataStream<String> raw = env.addSource(new EmitThenIdle(records)).setParallelism(1).uid("test-source");
        Outputs outputs = WorkloadPipeline.of(WorkloadKind.IOT).build(decodedAfter(raw), job(WorkloadKind.IOT), WatermarkMode.PER_EVENT);
        OpenSearchSinks.attach(outputs, settings("restoretest"), "iot");
        EmitThenIdle.emitted = 0;
        JobClient client = env.executeAsync("opensearch-restore");
        try {
            EmitThenIdle.awaitEmitted(records.size());
            String path = stopWithSavepoint(client, savepoints);
            client.getJobExecutionResult().get(2, TimeUnit.MINUTES);
            return path;
        } catch (Exception e) {
            client.cancel(); // free the slots for the other tests
            throw e;
        }
    }

    /** Draining fires every open window before the savepoint; the sink flushes on it (at-least-once). */
    private static String stopWithSavepoint(JobClient client, Path savepoints) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                // A savepoint needs every task RUNNING; right after submission some may still be deploying.
                String message = String.valueOf(e.getMessage());
                boolean notYetRunning = message.contains("not being executed at the moment") || message.contains("initializing");
                if (!notYetRunning || attempt == 50) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Emits its records, then waits to be stopped: an unbounded source whose input is all there. */
    static final class EmitThenIdle implements SourceFunction<String> {
        private static final long serialVersionUID = 1L;
        private static volatile int emitted;
        private final ArrayList<String> records;
        private volatile boolean running = true;

        EmitThenIdle(List<String> records) {
            this.records = new ArrayList<>(records);
        }

        static void awaitEmitted(int n) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 60_000;
            while (emitted < n && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            // Let the records reach the windows before the savepoint barrier follows them.
            Thread.sleep(500);
        }

        @Override
        public void run(SourceContext<String> ctx) throws Exception {
            for (String r : records) {
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(r);
                }
                emitted++;
            }
            while (running) {
                Thread.sleep(20);
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }

    private static List<OutputLine> drain(CloseableIterator<OutputLine> it) throws Exception {
        List<OutputLine> lines = new ArrayList<>();
        it.forEachRemaining(lines::add);
        it.close();
        return lines;
    }
}
