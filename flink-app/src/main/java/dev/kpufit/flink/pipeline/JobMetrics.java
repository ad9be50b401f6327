package dev.kpufit.flink.pipeline;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The job's own metrics live in the {@code kinesisanalytics} group: Managed Flink forwards metrics of that group
 * to CloudWatch (namespace AWS/KinesisAnalytics), where the calibrator and the alarms read them. Locally the
 * Flink REST API shows them as {@code <operator>.kinesisanalytics.<name>}.
 *
 * <p>Managed Flink turns every key/value subgroup under {@code kinesisanalytics} into a CloudWatch dimension
 * (docs: monitoring-metrics-custom.html). The source lag is therefore registered under {@code Id=<stream with '-'
 * as '_'>} and {@code Flow=Input}: the same dimensions Managed Flink gives the legacy FlinkKinesisConsumer's
 * millisBehindLatest, and the ones core/metric-catalogue.ts declares ('application-input'), so the stack's alarm,
 * the calibrator and the twin all name one series. __tests__/contracts/metric-truth.test.ts reads these constants.
 */
public final class JobMetrics {
    public static final String GROUP = "kinesisanalytics";
    /** Dimension naming the input stream: the stream name with '-' replaced by '_' (Managed Flink's convention). */
    public static final String INPUT_ID_KEY = "Id";
    /** Dimension telling input from output series. */
    public static final String FLOW_KEY = "Flow";
    public static final String FLOW_INPUT = "Input";
    /** How far the Kinesis source is behind the newest record of its stream, in ms; -1 until the first answer. */
    public static final String LAG_GAUGE = "millisBehindLatest";
    /**
     * The shards one source subtask reads, sorted and comma-joined. A text, not a number: registered on the
     * reader's own group, outside {@link #GROUP}, so Managed Flink never tries to forward it to CloudWatch.
     * Locally the REST API shows it as {@code <source operator>.shardIds}; the local sweep reads it per subtask.
     */
    public static final String SHARD_IDS_GAUGE = "shardIds";

    private JobMetrics() {
    }

    public static Counter counter(MetricGroup operator, String name) {
        return operator.addGroup(GROUP).counter(name);
    }

    public static <T, G extends Gauge<T>> G gauge(MetricGroup operator, String name, G gauge) {
        return operator.addGroup(GROUP).gauge(name, gauge);
    }

    /** The Id dimension of an input stream: '-' is not allowed there, so Managed Flink writes '_'. */
    public static String inputId(String streamName) {
        return streamName.replace('-', '_');
    }

    /** The metric group of one input stream's series: kinesisanalytics → Id=&lt;stream&gt; → Flow=Input. */
    public static MetricGroup inputGroup(MetricGroup operator, String streamName) {
        return operator.addGroup(GROUP).addGroup(INPUT_ID_KEY, inputId(streamName)).addGroup(FLOW_KEY, FLOW_INPUT);
    }

    /** Registers the source lag gauge of one input stream. */
    public static <G extends Gauge<Long>> G lagGauge(MetricGroup operator, String streamName, G gauge) {
        return inputGroup(operator, streamName).gauge(LAG_GAUGE, gauge);
    }

    /** Registers the gauge naming the shards this source subtask reads (see {@link #SHARD_IDS_GAUGE}). */
    public static <G extends Gauge<String>> G shardIdsGauge(MetricGroup operator, G gauge) {
        return operator.gauge(SHARD_IDS_GAUGE, gauge);
    }
}
