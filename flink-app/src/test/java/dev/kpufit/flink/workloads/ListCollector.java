package dev.kpufit.flink.workloads;

import org.apache.flink.util.Collector;

import java.util.List;

final class ListCollector<T> implements Collector<T> {
    private final List<T> out;

    ListCollector(List<T> out) {
        this.out = out;
    }

    @Override
    public void collect(T record) {
        out.add(record);
    }

    @Override
    public void close() {
    }
}
