package dev.kpufit.flink.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/**
 * The lag gauge's metric group decides its CloudWatch dimensions on Managed Flink: key/value subgroups under
 * kinesisanalytics become dimensions, so the path must be kinesisanalytics → Id=<stream, '-' as '_'> → Flow=Input.
 */
class JobMetricsTest {

    /** A metric group that records the path each metric was registered under. */
    static final class RecordingGroup extends UnregisteredMetricsGroup {
        final List<String> registered;
        final String path;

        RecordingGroup(List<String> registered, String path) {
            this.registered = registered;
            this.path = path;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new RecordingGroup(registered, path + "/" + name);
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new RecordingGroup(registered, path + "/" + key + "=" + value);
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            registered.add(path + "/" + name);
            return gauge;
        }
    }

    @Test
    void lagGaugeIsRegisteredUnderKinesisanalyticsWithTheInputIdAndFlowDimensions() {
        List<String> registered = new ArrayList<>();
        Gauge<Long> gauge = () -> -1L;
        Gauge<Long> returned = JobMetrics.lagGauge(new RecordingGroup(registered, ""), "kpufit-ingest-dev", gauge);
        assertSame(gauge, returned);
        assertEquals(List.of("/kinesisanalytics/Id=kpufit_ingest_dev/Flow=Input/millisBehindLatest"), registered);
    }

    @Test
    void shardIdsGaugeIsRegisteredOnTheReadersOwnGroupOutsideKinesisanalytics() {
        List<String> registered = new ArrayList<>();
        Gauge<String> gauge = () -> "shardId-000000000000";
        Gauge<String> returned = JobMetrics.shardIdsGauge(new RecordingGroup(registered, ""), gauge);
        assertSame(gauge, returned);
        assertEquals(List.of("/shardIds"), registered);
    }

    @Test
    void inputIdReplacesEveryDashWithAnUnderscore() {
        assertEquals("a_b_c", JobMetrics.inputId("a-b-c"));
        assertEquals("plain", JobMetrics.inputId("plain"));
    }

    @Test
    void countersStayDirectlyUnderKinesisanalytics() {
        List<String> registered = new ArrayList<>();
        RecordingGroup root = new RecordingGroup(registered, "");
        JobMetrics.gauge(root, "g", () -> 1L);
        assertEquals(List.of("/kinesisanalytics/g"), registered);
    }
}
