package dev.kpufit.flink.workloads;

/** Accumulator for averages: a Flink POJO, so it is checkpointed without Kryo. */
public class SumCount {
    public long count;
    public double sum;

    public SumCount() {
    }

    public double average() {
        return count == 0 ? 0.0 : sum / count;
    }
}
