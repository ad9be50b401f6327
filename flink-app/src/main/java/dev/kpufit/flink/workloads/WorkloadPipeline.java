package dev.kpufit.flink.workloads;

import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.config.WorkloadKind;
import dev.kpufit.flink.pipeline.Outputs;
import dev.kpufit.flink.pipeline.WatermarkMode;
import dev.kpufit.flink.source.RecordSource;

/** One workload's analytics, from the records of a source to result, alert and error lines. */
public interface WorkloadPipeline {
    Outputs build(RecordSource source, JobSettings job, WatermarkMode mode);

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
