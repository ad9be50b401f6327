package dev.kpufit.flink.workloads;

import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.config.WorkloadKind;
import dev.kpufit.flink.pipeline.Outputs;
import dev.kpufit.flink.pipeline.WatermarkMode;
import org.apache.flink.streaming.api.datastream.DataStream;

/** One workload's analytics, from raw JSON records to result, alert and error lines. */
public interface WorkloadPipeline {
    Outputs build(DataStream<String> raw, JobSettings job, WatermarkMode mode);

    static WorkloadPipeline of(WorkloadKind kind) {
        switch (kind) {
            case TAXI:
                return new TaxiPipeline();
            case IOT:
                return new IotPipeline();
            case CLICKSTREAM:
                return new ClickstreamPipeline();
            default:
                throw new IllegalArgumentException("no pipeline for workload " + kind);
        }
    }
}
