package dev.kpufit.flink;

import dev.kpufit.flink.config.JobConfig;
import dev.kpufit.flink.config.PropertyGroups;
import dev.kpufit.flink.config.WorkloadKind;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.api.transformations.SideOutputTransformation;
import org.apache.flink.streaming.api.transformations.UnionTransformation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deployed topology: every stateful or physical operator has a stable uid, and max parallelism is fixed. */
class StreamingJobTest {
    static JobConfig config(WorkloadKind workload) {
        Map<String, Properties> g = new HashMap<>();
        Properties in = new Properties();
        in.setProperty("stream.arn", "arn:aws:kinesis:us-east-1:123456789012:stream/in");
        in.setProperty("aws.region", "us-east-1");
        Properties out = new Properties();
        out.setProperty("results.path", "s3://bucket/analytics-results/");
        out.setProperty("errors.path", "s3://bucket/errors/");
        out.setProperty("alerts.stream.arn", "arn:aws:kinesis:us-east-1:123456789012:stream/alerts");
        Properties job = new Properties();
        job.setProperty("workload", workload.id());
        job.setProperty("cost.cpu.spin.micros", "1");
        job.setProperty("cost.io.mode", "async");
        g.put("InputStream", in);
        g.put("Output", out);
        g.put("Job", job);
        return JobConfig.from(new PropertyGroups(g), false);
    }

    static List<Transformation<?>> allTransformations(StreamExecutionEnvironment env) {
        Set<Transformation<?>> all = new LinkedHashSet<>();
        for (Transformation<?> t : env.getTransformations()) {
            all.addAll(t.getTransitivePredecessors());
        }
        return new ArrayList<>(all);
    }

    static List<String> uids(WorkloadKind workload) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamingJob.buildTopology(env, config(workload));
        assertEquals(StreamingJob.MAX_PARALLELISM, env.getMaxParallelism());
        List<String> uids = new ArrayList<>();
        for (Transformation<?> t : allTransformations(env)) {
            boolean logicalOnly = t instanceof PartitionTransformation || t instanceof UnionTransformation
                    || t instanceof SideOutputTransformation;
            if (!logicalOnly) {
                assertTrue(t.getUid() != null, "operator without uid: " + t.getName() + " (" + t.getClass().getSimpleName() + ")");
                uids.add(t.getUid());
            }
        }
        return uids;
    }

    @ParameterizedTest
    @EnumSource(WorkloadKind.class)
    void everyOperatorHasAUniqueUidThatDoesNotChangeBetweenBuilds(WorkloadKind workload) {
        List<String> first = uids(workload);
        assertEquals(first.size(), Set.copyOf(first).size(), "duplicate uids: " + first);
        assertEquals(first, uids(workload));
        assertTrue(first.containsAll(List.of("kinesis-source", "results-sink", "errors-sink", workload.id() + "-parse",
                workload.id() + "-late-filter", workload.id() + "-cost-cpu", workload.id() + "-cost-io-async")), first.toString());
        if (workload != WorkloadKind.CLICKSTREAM) {
            assertTrue(first.contains("alerts-kinesis-sink"), first.toString());
        }
        assertTrue(first.stream().filter(u -> u.endsWith("-window")).count() >= 1,
                first.stream().collect(Collectors.joining(", ")));
    }

    @org.junit.jupiter.api.Test
    void bringsTheS3FileSystemTheResultsSinkWritesThrough() {
        Set<String> schemes = new java.util.TreeSet<>();
        java.util.ServiceLoader.load(org.apache.flink.core.fs.FileSystemFactory.class)
                .forEach(factory -> schemes.add(factory.getScheme()));
        assertTrue(schemes.containsAll(List.of("s3", "s3a")), schemes.toString());
    }
}
