package dev.kpufit.flink.pipeline;

import org.apache.flink.streaming.api.datastream.DataStream;

/** What a workload pipeline produces, before any sink is attached (tests collect these directly). */
public final class Outputs {
    public final DataStream<OutputLine> results;
    /** Null when the workload raises no alerts. */
    public final DataStream<OutputLine> alerts;
    /** Malformed and late records, each with a reason. */
    public final DataStream<OutputLine> errors;

    public Outputs(DataStream<OutputLine> results, DataStream<OutputLine> alerts, DataStream<OutputLine> errors) {
        this.results = results;
        this.alerts = alerts;
        this.errors = errors;
    }
}
