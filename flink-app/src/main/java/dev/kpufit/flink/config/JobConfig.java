package dev.kpufit.flink.config;

import dev.kpufit.flink.opensearch.OpenSearchSettings;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * All runtime properties, validated together at start-up. Group and key names are fixed: the CDKTF stack
 * sets exactly these on the Managed Flink application.
 */
public final class JobConfig {
    public static final String INPUT = "InputStream";
    public static final String OUTPUT = "Output";
    public static final String JOB = "Job";

    static final Pattern STREAM_ARN =
            Pattern.compile("arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\\d{12}:stream/[A-Za-z0-9_.-]{1,128}");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\\d");
    static final Pattern ENDPOINT = Pattern.compile("https?://[^\\s/]+(:\\d+)?/?");
    static final Pattern PATH = Pattern.compile("(s3|s3a|s3p|file)://\\S+");

    private static final Set<String> INPUT_KEYS = Set.of(
            "stream.arn", "stream.name", "aws.region", "source.init.position", "source.init.timestamp", "aws.endpoint",
            "source.reader.type", "source.efo.consumer.name");
    private static final Set<String> OUTPUT_KEYS = Set.of(
            "results.path", "errors.path", "alerts.stream.arn", "aws.region", "aws.endpoint");
    private static final Set<String> JOB_KEYS = Set.of(
            "workload", "window.size.seconds", "watermark.max.out.of.orderness.seconds", "watermark.idleness.seconds",
            "taxi.hotspot.threshold", "iot.threshold.temperature", "iot.threshold.pressure",
            "iot.threshold.vibration", "cost.cpu.spin.micros", "cost.io.mode", "cost.io.wait.millis",
            "cost.io.async.capacity", "cost.io.async.timeout.millis");

    /** How the source reads shards; only polling is available in the connector version the job is built with. */
    enum ReaderType {
        POLLING,
        EFO
    }

    public final InputSettings input;
    public final OutputSettings output;
    public final JobSettings job;
    /** The optional OpenSearch group; null when the job indexes nowhere. */
    public final OpenSearchSettings openSearch;
    public final List<String> warnings;

    private JobConfig(InputSettings input, OutputSettings output, JobSettings job, OpenSearchSettings openSearch,
                      List<String> warnings) {
        this.input = input;
        this.output = output;
        this.job = job;
        this.openSearch = openSearch;
        this.warnings = warnings;
    }

    /**
     * @param localRun true for local runs: an {@code aws.endpoint} then points at an emulator that accepts
     *                 placeholder credentials; on Managed Flink the application's role signs every call.
     */
    public static JobConfig from(PropertyGroups groups, boolean localRun) {
        PropertyReader r = new PropertyReader(groups);
        InputSettings input = readInput(r, localRun);
        OutputSettings output = readOutput(r, localRun, input.region);
        JobSettings job = readJob(r);
        r.warnUnknownKeys(INPUT, INPUT_KEYS);
        r.warnUnknownKeys(OUTPUT, OUTPUT_KEYS);
        r.warnUnknownKeys(JOB, JOB_KEYS);
        r.throwIfInvalid();
        OpenSearchSettings openSearch = OpenSearchSettings.from(groups, output.region);
        return new JobConfig(input, output, job, openSearch, List.copyOf(r.warnings()));
    }

    private static InputSettings readInput(PropertyReader r, boolean localRun) {
        String arn = r.matching(INPUT, "stream.arn", true, STREAM_ARN,
                "a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)");
        String name = r.optionalString(INPUT, "stream.name");
        if (arn != null && name != null && !arn.endsWith(":stream/" + name)) {
            r.addProblem(INPUT, "stream.name", "'" + name + "' does not match stream.arn '" + arn + "'");
        }
        if (name == null && arn != null) {
            name = arn.substring(arn.indexOf(":stream/") + ":stream/".length());
        }
        String region = r.matching(INPUT, "aws.region", true, REGION, "an AWS region such as us-east-1");
        InitialPosition position = r.enumValue(INPUT, "source.init.position", InitialPosition.class,
                InitialPosition.LATEST);
        String timestamp = r.optionalString(INPUT, "source.init.timestamp");
        if (position == InitialPosition.AT_TIMESTAMP) {
            if (timestamp == null) {
                r.addProblem(INPUT, "source.init.timestamp",
                        "missing (required when source.init.position is AT_TIMESTAMP: an ISO-8601 instant)");
            } else {
                try {
                    Instant.parse(timestamp);
                } catch (DateTimeParseException e) {
                    r.addProblem(INPUT, "source.init.timestamp",
                            "must be an ISO-8601 instant such as 2026-01-15T08:00:00Z, got '" + timestamp + "'");
                }
            }
        }
        String endpoint = r.matching(INPUT, "aws.endpoint", false, ENDPOINT, "an http(s) URL such as http://127.0.0.1:4568");
        if (r.enumValue(INPUT, "source.reader.type", ReaderType.class, ReaderType.POLLING) == ReaderType.EFO) {
            // Refused rather than ignored: a registered EFO consumer that nobody reads from still costs money.
            r.addProblem(INPUT, "source.reader.type", "EFO is not supported by this job's Kinesis connector"
                    + " (flink-connector-kinesis 4.3.0-1.19: its KinesisStreamsSource polls only); use POLLING");
        }
        return new InputSettings(arn, name, region, position, timestamp, endpoint, localRun && endpoint != null);
    }

    private static OutputSettings readOutput(PropertyReader r, boolean localRun, String inputRegion) {
        String results = r.matching(OUTPUT, "results.path", true, PATH,
                "a directory URI such as s3://bucket/analytics-results/ or file:///tmp/out/");
        String errors = r.matching(OUTPUT, "errors.path", true, PATH,
                "a directory URI such as s3://bucket/errors/ or file:///tmp/errors/");
        String alerts = r.matching(OUTPUT, "alerts.stream.arn", false, STREAM_ARN,
                "a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)");
        String region = r.matching(OUTPUT, "aws.region", false, REGION, "an AWS region such as us-east-1");
        String endpoint = r.matching(OUTPUT, "aws.endpoint", false, ENDPOINT, "an http(s) URL such as http://127.0.0.1:4568");
        return new OutputSettings(results, errors, alerts, region != null ? region : inputRegion, endpoint,
                localRun && endpoint != null);
    }

    private static JobSettings readJob(PropertyReader r) {
        WorkloadKind workload = r.enumValue(JOB, "workload", WorkloadKind.class, null);
        int defaultWindow = workload == null ? 60 : workload.defaultWindowSeconds();
        int window = r.intInRange(JOB, "window.size.seconds", defaultWindow, 1, 86_400);
        int outOfOrderness = r.intInRange(JOB, "watermark.max.out.of.orderness.seconds", 5, 0, 3_600);
        int idleness = r.intInRange(JOB, "watermark.idleness.seconds", 30, 0, 3_600);
        int hotspot = r.intInRange(JOB, "taxi.hotspot.threshold", 20, 1, 1_000_000_000);
        double temperature = r.positiveDouble(JOB, "iot.threshold.temperature", 80.0);
        double pressure = r.positiveDouble(JOB, "iot.threshold.pressure", 100.0);
        double vibration = r.positiveDouble(JOB, "iot.threshold.vibration", 50.0);
        int spin = r.intInRange(JOB, "cost.cpu.spin.micros", 0, 0, 1_000_000);
        IoMode ioMode = r.enumValue(JOB, "cost.io.mode", IoMode.class, IoMode.NONE);
        int wait = r.intInRange(JOB, "cost.io.wait.millis", 5, 0, 60_000);
        int capacity = r.intInRange(JOB, "cost.io.async.capacity", 100, 1, 10_000);
        int timeout = r.intInRange(JOB, "cost.io.async.timeout.millis", 1_000, 1, 600_000);
        CostSettings cost = new CostSettings(spin, ioMode, wait, capacity, timeout);
        return new JobSettings(workload, window * 1000L, outOfOrderness * 1000L, idleness * 1000L, hotspot,
                temperature, pressure, vibration, cost);
    }
}
