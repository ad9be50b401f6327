package dev.kpufit.flink.pipeline;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The job's own metrics live in the {@code kinesisanalytics} group: Managed Flink forwards metrics of that group
 * to CloudWatch (namespace AWS/KinesisAnalytics), where the calibrator and the alarms read them. Locally the
 * Flink REST API shows them as {@code <operator>.kinesisanalytics.<name>}.
 */
public final class JobMetrics {
    public static final String GROUP = "kinesisanalytics";

    private JobMetrics() {
    }

    public static Counter counter(MetricGroup operator, String name) {
        return operator.addGroup(GROUP).counter(name);
    }

    public static <T, G extends Gauge<T>> G gauge(MetricGroup operator, String name, G gauge) {
        return operator.addGroup(GROUP).gauge(name, gauge);
    }
}
