package dev.kpufit.flink.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpufit.flink.Fixtures;
import dev.kpufit.flink.config.CostSettings;
import dev.kpufit.flink.config.IoMode;
import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.config.WorkloadKind;
import dev.kpufit.flink.pipeline.OutputLine;
import dev.kpufit.flink.pipeline.PipelineRun;
import dev.kpufit.flink.config.OutputSettings;
import dev.kpufit.flink.pipeline.Outputs;
import dev.kpufit.flink.pipeline.Sinks;
import dev.kpufit.flink.pipeline.WatermarkMode;
import dev.kpufit.flink.source.ListRecords;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each workload end to end on a bounded source with event time, on one shared MiniCluster: exact window results,
 * alerts, and malformed and late records on their side outputs.
 */
class WorkloadPipelinesTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;

    static List<String> withMalformed(String workload) {
        List<String> lines = new ArrayList<>(Fixtures.lines(workload, "valid"));
        lines.addAll(1, Fixtures.lines(workload, "malformed"));
        return lines;
    }

    static Map<String, JsonNode> byKey(List<JsonNode> rows, String... fields) {
        Map<String, JsonNode> m = new TreeMap<>();
        for (JsonNode r : rows) {
            StringBuilder k = new StringBuilder();
            for (String f : fields) {
                k.append(k.length() == 0 ? "" : "|").append(r.get(f).asText());
            }
            m.put(k.toString(), r);
        }
        return m;
    }

    static void assertMalformedReported(PipelineRun run, String workload) {
        List<JsonNode> malformed = PipelineRun.json(run.errors, l -> l.category.equals("malformed"));
        List<String> expected = Fixtures.lines(workload, "malformed");
        assertEquals(expected.size(), malformed.size(), "every malformed fixture reaches errors/");
        assertEquals(expected.stream().sorted().collect(Collectors.toList()),
                malformed.stream().map(j -> j.get("record").asText()).sorted().collect(Collectors.toList()));
        for (JsonNode m : malformed) {
            assertEquals(workload, m.get("workload").asText());
            assertTrue(m.get("reason").asText().length() > 5, m.toString());
        }
    }

    @Nested
    class Taxi {
        @Test
        void countsPickupsPerCellAndAveragesAirportTripsPerWindow() throws Exception {
            JobSettings job = JobSettings.defaults(WorkloadKind.TAXI).withWindow(HOUR, 5_000).withTaxiHotspotThreshold(1);
            PipelineRun run = PipelineRun.of(job, withMalformed("taxi"), 2);

            Map<String, JsonNode> hotspots = byKey(
                    PipelineRun.json(run.results, l -> l.category.equals("pickup_hotspots")), "pickup_cell");
            assertEquals(List.of("dr5reg", "dr5ru7", "dr5rud"), new ArrayList<>(hotspots.keySet()));
            assertEquals(2, hotspots.get("dr5ru7").get("pickups").asLong());
            assertEquals(1, hotspots.get("dr5rud").get("pickups").asLong());
            assertEquals(1, hotspots.get("dr5reg").get("pickups").asLong());
            for (JsonNode h : hotspots.values()) {
                assertEquals("taxi", h.get("workload").asText());
                assertEquals("2026-01-15T08:00:00Z", h.get("window_start").asText());
                assertEquals("2026-01-15T09:00:00Z", h.get("window_end").asText());
            }

            Map<String, JsonNode> airports = byKey(
                    PipelineRun.json(run.results, l -> l.category.equals("airport_trip_duration")), "pickup_cell", "airport");
            assertEquals(List.of("dr5ru7|JFK", "dr5ru7|LGA"), new ArrayList<>(airports.keySet()));
            assertEquals(1, airports.get("dr5ru7|JFK").get("trips").asLong());
            assertEquals(1860.0, airports.get("dr5ru7|JFK").get("avg_duration_seconds").asDouble());
            assertEquals(1560.0, airports.get("dr5ru7|LGA").get("avg_duration_seconds").asDouble());

            List<JsonNode> alerts = PipelineRun.json(run.alerts, l -> true);
            assertEquals(1, alerts.size(), "only the cell above the threshold of 1 alerts");
            assertEquals("hotspot", alerts.get(0).get("alert").asText());
            assertEquals("dr5ru7", alerts.get(0).get("pickup_cell").asText());
            assertEquals(2, alerts.get(0).get("pickups").asLong());
            assertEquals("alerts", run.alerts.get(0).category);

            assertMalformedReported(run, "taxi");
            assertEquals(0, run.errors.stream().filter(l -> l.category.equals("late")).count());
        }

        @Test
        void tripsWhoseMinuteWindowHasClosedGoToTheLateOutput() throws Exception {
            // Drop-offs 08:31:05, 08:13:40, 08:28:00, 08:09:00: with one-minute windows and 5 s of allowed
            // out-of-orderness the watermark reaches 08:30:59.999 after the first trip, so the other three are late.
            JobSettings job = JobSettings.defaults(WorkloadKind.TAXI).withWindow(MINUTE, 5_000);
            PipelineRun run = PipelineRun.of(job, Fixtures.lines("taxi", "valid"), 1);

            List<JsonNode> late = PipelineRun.json(run.errors, l -> l.category.equals("late"));
            assertEquals(List.of("trip-000002", "trip-000003", "trip-000004"),
                    late.stream().map(j -> j.get("event").get("trip_id").asText()).sorted().collect(Collectors.toList()));
            for (JsonNode l : late) {
                // Bounded out-of-orderness: the watermark trails the highest event time by 5 s and 1 ms.
                assertEquals("2026-01-15T08:30:59.999Z", l.get("watermark").asText());
                assertTrue(l.get("reason").asText().startsWith("late"));
            }
            List<JsonNode> hotspots = PipelineRun.json(run.results, l -> l.category.equals("pickup_hotspots"));
            assertEquals(1, hotspots.size(), "only the on-time trip is counted");
            assertEquals("2026-01-15T08:31:00Z", hotspots.get(0).get("window_start").asText());
        }
    }

    @Nested
    class Iot {
        @Test
        void reportsAvgMinMaxPerDeviceAndSensorPerFiveMinutesAndAlertsAnomalies() throws Exception {
            JobSettings job = JobSettings.defaults(WorkloadKind.IOT);
            PipelineRun run = PipelineRun.of(job, withMalformed("iot"), 2);

            Map<String, JsonNode> stats = byKey(PipelineRun.json(run.results, l -> true), "device_id", "sensor_type");
            assertEquals(List.of("device-0001|pressure", "device-0001|temperature", "device-0002|flow",
                    "device-0002|vibration", "device-0003|pressure"), new ArrayList<>(stats.keySet()));
            JsonNode temp = stats.get("device-0001|temperature");
            assertEquals(2, temp.get("count").asLong());
            assertEquals(53.4, temp.get("avg").asDouble(), 1e-9);
            assertEquals(21.5, temp.get("min").asDouble());
            assertEquals(85.3, temp.get("max").asDouble());
            assertEquals("celsius", temp.get("unit").asText());
            JsonNode vib = stats.get("device-0002|vibration");
            assertEquals(33.9, vib.get("avg").asDouble(), 1e-9);
            assertEquals(12.7, vib.get("min").asDouble());
            assertEquals(55.1, vib.get("max").asDouble());
            assertEquals(130.0, stats.get("device-0002|flow").get("avg").asDouble());
            assertEquals(1, stats.get("device-0003|pressure").get("count").asLong());
            for (JsonNode s : stats.values()) {
                assertEquals("sensor_stats", s.get("metric").asText());
                assertEquals("2026-01-15T08:00:00Z", s.get("window_start").asText());
                assertEquals("2026-01-15T08:05:00Z", s.get("window_end").asText());
            }

            List<JsonNode> alerts = PipelineRun.json(run.alerts, l -> true);
            alerts.sort(Comparator.comparing(a -> a.get("event_time").asText()));
            assertEquals(3, alerts.size());
            assertEquals("temperature", alerts.get(0).get("sensor_type").asText());
            assertEquals(85.3, alerts.get(0).get("value").asDouble());
            assertEquals(80.0, alerts.get(0).get("threshold").asDouble());
            assertEquals("pressure", alerts.get(1).get("sensor_type").asText());
            assertEquals("device-0003", alerts.get(1).get("device_id").asText());
            assertEquals("vibration", alerts.get(2).get("sensor_type").asText());
            assertEquals("2026-01-15T08:02:00Z", alerts.get(2).get("event_time").asText());

            assertMalformedReported(run, "iot");
        }

        @Test
        void theSyntheticCostKnobsSlowTheJobButDoNotChangeItsResults() throws Exception {
            JobSettings plain = JobSettings.defaults(WorkloadKind.IOT);
            PipelineRun expected = PipelineRun.of(plain, Fixtures.lines("iot", "valid"), 2);
            for (CostSettings cost : List.of(
                    new CostSettings(200, IoMode.BLOCKING, 2, 10, 1000),
                    new CostSettings(0, IoMode.ASYNC, 5, 4, 1000),
                    new CostSettings(0, IoMode.ASYNC, 50, 4, 1))) {
                PipelineRun costly = PipelineRun.of(plain.withCost(cost), Fixtures.lines("iot", "valid"), 2);
                assertEquals(sortedJson(expected.results), sortedJson(costly.results), "results with " + cost.ioMode);
                assertEquals(sortedJson(expected.alerts), sortedJson(costly.alerts), "alerts with " + cost.ioMode);
            }
        }

        List<String> sortedJson(List<OutputLine> lines) {
            return lines.stream().map(l -> l.json).sorted().collect(Collectors.toList());
        }
    }

    @Nested
    class Clickstream {
        @Test
        void reportsEventsPerTypeRevenueAndActiveUsersPerMinute() throws Exception {
            JobSettings job = JobSettings.defaults(WorkloadKind.CLICKSTREAM);
            PipelineRun run = PipelineRun.of(job, withMalformed("clickstream"), 2);

            Map<String, JsonNode> windows = byKey(PipelineRun.json(run.results, l -> true), "window_start");
            assertEquals(List.of("2026-01-15T08:00:00Z", "2026-01-15T08:01:00Z"), new ArrayList<>(windows.keySet()));
            JsonNode first = windows.get("2026-01-15T08:00:00Z");
            assertEquals("dashboard", first.get("metric").asText());
            assertEquals("{\"page_view\":1,\"click\":0,\"search\":1,\"add_to_cart\":1,\"purchase\":1}",
                    first.get("events_by_type").toString());
            assertEquals(4, first.get("events").asLong());
            assertEquals(1, first.get("purchases").asLong());
            assertEquals(59.99, first.get("revenue").asDouble());
            assertEquals(2, first.get("active_users").asLong());
            JsonNode second = windows.get("2026-01-15T08:01:00Z");
            assertEquals("{\"page_view\":0,\"click\":1,\"search\":0,\"add_to_cart\":0,\"purchase\":1}",
                    second.get("events_by_type").toString());
            assertEquals(120.5, second.get("revenue").asDouble());
            assertEquals(2, second.get("active_users").asLong());
            assertEquals(Instant.parse("2026-01-15T08:01:00Z").toEpochMilli(),
                    run.results.stream().filter(l -> l.json.contains("08:01:00Z\",\"window_end")).findFirst()
                            .orElseThrow().partitionMillis, "partitioned by window start");

            assertEquals(List.of(), run.alerts);
            assertMalformedReported(run, "clickstream");
        }
    }

    @Nested
    class FileSinks {
        @Test
        void writeJsonLinesPartitionedByCategoryDateAndHour(@TempDir Path dir) throws Exception {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            // Part files are committed by checkpoints, including the final one at the end of the bounded input.
            env.enableCheckpointing(200);
            JobSettings job = JobSettings.defaults(WorkloadKind.IOT);
            Outputs outputs = WorkloadPipeline.of(job.workload)
                    .build(ListRecords.inOrder(env, withMalformed("iot")), job, WatermarkMode.PER_EVENT);
            OutputSettings out = new OutputSettings(dir.resolve("results").toUri().toString(),
                    dir.resolve("errors").toUri().toString(), null, "us-east-1", null, false);
            Sinks.attach(outputs, out, "iot");
            env.execute("file-sinks");

            Path partition = dir.resolve("results/iot/sensor_stats/dt=2026-01-15/hour=08");
            List<String> stats = committedLines(partition);
            assertEquals(5, stats.size(), "one line per device and sensor type");
            assertTrue(stats.stream().allMatch(l -> l.startsWith("{\"workload\":\"iot\",\"metric\":\"sensor_stats\"")));
            assertEquals(3, committedLines(dir.resolve("results/iot/alerts/dt=2026-01-15/hour=08")).size());

            List<String> malformed;
            try (Stream<Path> days = Files.list(dir.resolve("errors/iot/malformed"))) {
                malformed = new ArrayList<>();
                for (Path day : days.collect(Collectors.toList())) {
                    try (Stream<Path> hours = Files.list(day)) {
                        for (Path hour : hours.collect(Collectors.toList())) {
                            assertTrue(hour.getFileName().toString().matches("hour=\\d\\d"), hour.toString());
                            malformed.addAll(committedLines(hour));
                        }
                    }
                }
            }
            assertEquals(Fixtures.lines("iot", "malformed").size(), malformed.size());
        }

        List<String> committedLines(Path partition) throws Exception {
            List<String> lines = new ArrayList<>();
            try (Stream<Path> files = Files.list(partition)) {
                for (Path f : files.collect(Collectors.toList())) {
                    String name = f.getFileName().toString();
                    assertTrue(name.startsWith("part-") && name.endsWith(".jsonl"), "unexpected file " + f);
                    lines.addAll(Files.readAllLines(f));
                }
            }
            return lines;
        }
    }
}
