package dev.kpufit.flink.pipeline;

import dev.kpufit.flink.config.OutputSettings;
import dev.kpufit.flink.kinesis.KinesisClientProperties;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.kinesis.sink.KinesisStreamsSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

import java.nio.charset.StandardCharsets;

/**
 * Attaches the sinks: results and alerts as JSON lines under {@code results.path/<workload>/}, malformed and late
 * records under {@code errors.path/<workload>/}, and alerts to Kinesis when {@code alerts.stream.arn} is set.
 * Part files become visible when a checkpoint completes (exactly-once), so a line appears at most one
 * checkpoint interval after its window fires. Operator names are short and fixed: Managed Flink reports
 * operator-level metrics under them (and Flink truncates names over 80 characters).
 */
public final class Sinks {
    private Sinks() {
    }

    public static void attach(Outputs outputs, OutputSettings settings, String workload) {
        DataStream<OutputLine> results = outputs.alerts == null ? outputs.results : outputs.results.union(outputs.alerts);
        results.sinkTo(jsonLines(join(settings.resultsPath, workload)))
                .uid("results-sink").name("results sink");
        outputs.errors.sinkTo(jsonLines(join(settings.errorsPath, workload)))
                .uid("errors-sink").name("errors sink");
        if (outputs.alerts != null && settings.alertsStreamArn != null) {
            outputs.alerts.sinkTo(alertStream(settings))
                    .uid("alerts-kinesis-sink").name("alerts to Kinesis");
        }
    }

    static String join(String base, String child) {
        return base.endsWith("/") ? base + child : base + "/" + child;
    }

    static FileSink<OutputLine> jsonLines(String path) {
        Encoder<OutputLine> encoder = (line, stream) -> {
            stream.write(line.json.getBytes(StandardCharsets.UTF_8));
            stream.write('\n');
        };
        return FileSink.forRowFormat(new Path(path), encoder)
                .withBucketAssigner(new HourlyPartitions())
                // Roll on every checkpoint: a window's lines become readable one checkpoint after it fires, instead
                // of waiting for a size or inactivity threshold; results are small, so the file count stays modest.
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".jsonl").build())
                .build();
    }

    static KinesisStreamsSink<OutputLine> alertStream(OutputSettings settings) {
        SerializationSchema<OutputLine> body = line -> line.json.getBytes(StandardCharsets.UTF_8);
        return KinesisStreamsSink.<OutputLine>builder()
                .setStreamArn(settings.alertsStreamArn)
                .setKinesisClientProperties(KinesisClientProperties.forSink(settings))
                .setSerializationSchema(body)
                // Keyed by device or cell: alerts about one thing stay in order on one shard.
                .setPartitionKeyGenerator(line -> line.key)
                .setFailOnError(false)
                // Alerts are wanted now: send a partial batch after a second instead of the default five.
                .setMaxTimeInBufferMS(1000)
                .build();
    }
}
