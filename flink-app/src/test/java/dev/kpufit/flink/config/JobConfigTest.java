package dev.kpufit.flink.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobConfigTest {
    static final String ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/kpufit-input";

    static Map<String, Properties> minimal() {
        Map<String, Properties> g = new HashMap<>();
        g.put("InputStream", props("stream.arn", ARN, "stream.name", "kpufit-input", "aws.region", "eu-west-1"));
        g.put("Output", props("results.path", "s3://bucket/analytics-results/", "errors.path", "s3://bucket/errors/"));
        g.put("Job", props("workload", "taxi"));
        return g;
    }

    static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    static List<String> problems(Map<String, Properties> groups) {
        return assertThrows(InvalidPropertiesException.class,
                () -> JobConfig.from(new PropertyGroups(groups), false)).problems();
    }

    @Test
    void fillsDefaultsForEverythingOptional() {
        JobConfig c = JobConfig.from(new PropertyGroups(minimal()), false);
        assertEquals(InitialPosition.LATEST, c.input.initialPosition);
        assertNull(c.input.endpoint);
        assertFalse(c.input.emulatorCredentials);
        assertEquals("eu-west-1", c.output.region, "the alerts region defaults to the input's");
        assertNull(c.output.alertsStreamArn);
        assertEquals(WorkloadKind.TAXI, c.job.workload);
        assertEquals(60_000L, c.job.windowSizeMillis);
        assertEquals(5_000L, c.job.maxOutOfOrdernessMillis);
        assertEquals(30_000L, c.job.idlenessMillis);
        assertEquals(80.0, c.job.iotTemperatureThreshold);
        assertEquals(100.0, c.job.iotPressureThreshold);
        assertEquals(50.0, c.job.iotVibrationThreshold);
        assertEquals(0, c.job.cost.cpuSpinMicros);
        assertEquals(IoMode.NONE, c.job.cost.ioMode);
        assertTrue(c.warnings.isEmpty());
    }

    @Test
    void theIotWindowDefaultsToFiveMinutes() {
        Map<String, Properties> g = minimal();
        g.put("Job", props("workload", "iot"));
        assertEquals(300_000L, JobConfig.from(new PropertyGroups(g), false).job.windowSizeMillis);
    }

    @Test
    void readsEveryJobKey() {
        Map<String, Properties> g = minimal();
        g.put("Job", props("workload", "IOT", "window.size.seconds", "120", "watermark.max.out.of.orderness.seconds", "10",
                "watermark.idleness.seconds", "0", "taxi.hotspot.threshold", "7", "iot.threshold.temperature", "90.5",
                "iot.threshold.pressure", "110", "iot.threshold.vibration", "60", "cost.cpu.spin.micros", "250",
                "cost.io.mode", "async", "cost.io.wait.millis", "20", "cost.io.async.capacity", "50",
                "cost.io.async.timeout.millis", "500"));
        JobSettings j = JobConfig.from(new PropertyGroups(g), false).job;
        assertEquals(WorkloadKind.IOT, j.workload);
        assertEquals(120_000L, j.windowSizeMillis);
        assertEquals(10_000L, j.maxOutOfOrdernessMillis);
        assertEquals(0L, j.idlenessMillis);
        assertEquals(7, j.taxiHotspotThreshold);
        assertEquals(90.5, j.iotTemperatureThreshold);
        assertEquals(110.0, j.iotPressureThreshold);
        assertEquals(60.0, j.iotVibrationThreshold);
        assertEquals(250, j.cost.cpuSpinMicros);
        assertEquals(IoMode.ASYNC, j.cost.ioMode);
        assertEquals(20, j.cost.ioWaitMillis);
        assertEquals(50, j.cost.asyncCapacity);
        assertEquals(500, j.cost.asyncTimeoutMillis);
    }

    @Test
    void reportsEveryMissingRequiredKeyByGroupAndKey() {
        List<String> p = problems(new HashMap<>());
        assertEquals(List.of(
                "InputStream.stream.arn: missing (required: a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>))",
                "InputStream.aws.region: missing (required: an AWS region such as us-east-1)",
                "Output.results.path: missing (required: a directory URI such as s3://bucket/analytics-results/ or file:///tmp/out/)",
                "Output.errors.path: missing (required: a directory URI such as s3://bucket/errors/ or file:///tmp/errors/)",
                "Job.workload: missing (required: one of taxi|iot|clickstream)"), p);
    }

    @Test
    void namesTheKeyAndTheBadValue() {
        Map<String, Properties> g = minimal();
        g.get("Job").setProperty("workload", "weather");
        g.get("Job").setProperty("window.size.seconds", "ten");
        g.get("Job").setProperty("cost.io.mode", "sometimes");
        g.get("Job").setProperty("iot.threshold.pressure", "-1");
        g.get("InputStream").setProperty("source.init.position", "EARLIEST");
        g.get("InputStream").setProperty("stream.name", "other");
        g.get("Output").setProperty("results.path", "/tmp/out");
        assertEquals(List.of(
                "InputStream.stream.name: 'other' does not match stream.arn '" + ARN + "'",
                "InputStream.source.init.position: must be one of latest|trim_horizon|at_timestamp, got 'EARLIEST'",
                "Output.results.path: must be a directory URI such as s3://bucket/analytics-results/ or file:///tmp/out/, got '/tmp/out'",
                "Job.workload: must be one of taxi|iot|clickstream, got 'weather'",
                "Job.window.size.seconds: must be an integer from 1 to 86400, got 'ten'",
                "Job.iot.threshold.pressure: must be a number > 0, got '-1'",
                "Job.cost.io.mode: must be one of none|blocking|async, got 'sometimes'"), problems(g));
    }

    @Test
    void atTimestampNeedsAValidTimestamp() {
        Map<String, Properties> g = minimal();
        g.get("InputStream").setProperty("source.init.position", "AT_TIMESTAMP");
        assertEquals(List.of("InputStream.source.init.timestamp: missing (required when source.init.position is"
                + " AT_TIMESTAMP: an ISO-8601 instant)"), problems(g));
        g.get("InputStream").setProperty("source.init.timestamp", "yesterday");
        assertTrue(problems(g).get(0).startsWith("InputStream.source.init.timestamp: must be an ISO-8601 instant"));
        g.get("InputStream").setProperty("source.init.timestamp", "2026-01-15T08:00:00Z");
        assertEquals(InitialPosition.AT_TIMESTAMP, JobConfig.from(new PropertyGroups(g), false).input.initialPosition);
    }

    @Test
    void emulatorCredentialsOnlyForLocalRunsWithAnEndpoint() {
        Map<String, Properties> g = minimal();
        g.get("InputStream").setProperty("aws.endpoint", "http://127.0.0.1:4568");
        g.get("Output").setProperty("aws.endpoint", "http://127.0.0.1:4568");
        g.get("Output").setProperty("alerts.stream.arn", "arn:aws:kinesis:eu-west-1:123456789012:stream/alerts");
        assertTrue(JobConfig.from(new PropertyGroups(g), true).input.emulatorCredentials);
        assertTrue(JobConfig.from(new PropertyGroups(g), true).output.emulatorCredentials);
        assertFalse(JobConfig.from(new PropertyGroups(g), false).input.emulatorCredentials);
        g.get("InputStream").setProperty("aws.endpoint", "localhost");
        assertEquals(List.of("InputStream.aws.endpoint: must be an http(s) URL such as http://127.0.0.1:4568, got 'localhost'"),
                problems(g));
    }

    @Test
    void warnsAboutUnknownKeysInsteadOfIgnoringThemSilently() {
        Map<String, Properties> g = minimal();
        g.get("Job").setProperty("window.size.secs", "60");
        List<String> warnings = JobConfig.from(new PropertyGroups(g), false).warnings;
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("Job.window.size.secs: unknown key, ignored"));
    }

    @Test
    void loadsALocalPropertiesFileOfTheManagedFlinkShape(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("props.json");
        Map<String, Map<String, Object>> json = Map.of(
                "InputStream", Map.of("stream.arn", ARN, "aws.region", "eu-west-1"),
                "Output", Map.of("results.path", "file:///tmp/out/", "errors.path", "file:///tmp/err/"),
                "Job", Map.of("workload", "clickstream", "window.size.seconds", 30));
        Files.writeString(file, new ObjectMapper().writeValueAsString(json));
        JobConfig c = JobConfig.from(PropertyGroups.fromJsonFile(file), true);
        assertEquals(WorkloadKind.CLICKSTREAM, c.job.workload);
        assertEquals(30_000L, c.job.windowSizeMillis);
        assertEquals("kpufit-input", c.input.streamName);
    }

    @Test
    void rejectsAPropertiesFileOfTheWrongShape(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("props.json");
        Files.writeString(file, "{\"Job\": [\"workload\"], \"Output\": {\"results.path\": {\"nested\": 1}}}");
        InvalidPropertiesException e = assertThrows(InvalidPropertiesException.class, () -> PropertyGroups.fromJsonFile(file));
        assertTrue(e.problems().contains("Job: property group must be an object of string values"), e.problems().toString());
        assertTrue(e.problems().contains("Output.results.path: must be a string, number or boolean"), e.problems().toString());
        Files.writeString(file, "{not json");
        assertTrue(assertThrows(InvalidPropertiesException.class, () -> PropertyGroups.fromJsonFile(file))
                .getMessage().contains("cannot read JSON"));
    }

    @Test
    void refusesEnhancedFanOutWhichThisConnectorCannotRead() {
        Map<String, Properties> g = minimal();
        g.get("InputStream").setProperty("source.reader.type", "POLLING");
        assertTrue(JobConfig.from(new PropertyGroups(g), false).warnings.isEmpty());
        g.get("InputStream").setProperty("source.reader.type", "EFO");
        g.get("InputStream").setProperty("source.efo.consumer.name", "kpufit");
        assertEquals(List.of("InputStream.source.reader.type: EFO is not supported by this job's Kinesis connector"
                + " (flink-connector-kinesis 4.3.0-1.19: its KinesisStreamsSource polls only); use POLLING"), problems(g));
    }
}
