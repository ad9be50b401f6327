package dev.kpufit.flink;

import dev.kpufit.flink.config.InvalidPropertiesException;
import dev.kpufit.flink.config.JobConfig;
import dev.kpufit.flink.config.PropertyGroups;
import dev.kpufit.flink.kinesis.KinesisRecords;
import dev.kpufit.flink.opensearch.OpenSearchSinks;
import dev.kpufit.flink.pipeline.Outputs;
import dev.kpufit.flink.pipeline.Sinks;
import dev.kpufit.flink.pipeline.WatermarkMode;
import dev.kpufit.flink.workloads.WorkloadPipeline;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/** Entry point: Kinesis in, one workload's event-time analytics, S3 (or local files) and Kinesis alerts out. */
public final class StreamingJob {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);

    /**
     * Number of key groups. Parallelism can be changed (and restored from a snapshot) anywhere from 1 to this;
     * changing the number itself makes existing snapshots unrestorable. Left unset, Flink derives it from the
     * parallelism of the first deployment (128 up to parallelism 85), which would cap every later rescale at
     * that; fixed at 256 the calibrator's whole range is known up front and key groups stay small.
     */
    public static final int MAX_PARALLELISM = 256;

    private StreamingJob() {
    }

    public static void main(String[] argv) throws Exception {
        LaunchArgs args;
        JobConfig config;
        try {
            args = LaunchArgs.parse(argv);
            PropertyGroups groups = args.local()
                    ? PropertyGroups.fromJsonFile(args.propertiesFile)
                    : PropertyGroups.fromManagedFlinkRuntime();
            config = JobConfig.from(groups, args.local());
        } catch (IllegalArgumentException | InvalidPropertiesException e) {
            // On Managed Flink the exception is the application's failure reason; locally a one-line error.
            if (!java.util.Arrays.asList(argv).contains("--properties")) {
                throw e;
            }
            System.err.println("kpufit-flink: " + e.getMessage());
            System.exit(2);
            return;
        }
        config.warnings.forEach(w -> LOG.warn("{}", w));

        StreamExecutionEnvironment env = args.local() ? localEnvironment(args) : StreamExecutionEnvironment.getExecutionEnvironment();
        buildTopology(env, config);
        env.execute("kpufit-" + config.job.workload.id());
    }

    /** The whole job graph: Kinesis source, the configured workload, and its sinks. */
    public static void buildTopology(StreamExecutionEnvironment env, JobConfig config) {
        env.setMaxParallelism(MAX_PARALLELISM);
        // Records are parsed and given their event time in the source, watermarks per shard (see KinesisRecords).
        Outputs outputs = WorkloadPipeline.of(config.job.workload)
                .build(new KinesisRecords(env, config.input), config.job, WatermarkMode.PERIODIC);
        outputs = OpenSearchSinks.attach(outputs, config.openSearch, config.job.workload.id());
        Sinks.attach(outputs, config.output, config.job.workload.id());
    }

    /** A MiniCluster with its REST API on loopback only; checkpoints make file-sink parts visible. */
    static StreamExecutionEnvironment localEnvironment(LaunchArgs args) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, args.restPort);
        // The REST API caches metrics for 10 s by default; a local run wants to watch the lag move.
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        if (args.fromSavepoint != null) {
            // What an UpdateApplication on Managed Flink does: the new job starts from the last snapshot.
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, args.fromSavepoint);
        }
        // n TaskManagers of k slots: how `kpufit calibrate --target local` lays out n KPUs of ParallelismPerKPU k.
        conf.set(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS, args.taskManagers);
        if (args.slotsPerTaskManager > 0) {
            conf.set(TaskManagerOptions.NUM_TASK_SLOTS, args.slotsPerTaskManager);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(args.parallelism, conf);
        env.enableCheckpointing(args.checkpointIntervalMillis);
        return env;
    }
}
