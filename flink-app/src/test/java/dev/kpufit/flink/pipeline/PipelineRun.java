package dev.kpufit.flink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpufit.flink.config.JobSettings;
import dev.kpufit.flink.source.ListRecords;
import dev.kpufit.flink.workloads.WorkloadPipeline;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Runs one workload pipeline on a bounded list of records on the shared MiniCluster and collects its outputs. */
public final class PipelineRun {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public final List<OutputLine> results;
    public final List<OutputLine> alerts;
    public final List<OutputLine> errors;

    private PipelineRun(List<OutputLine> results, List<OutputLine> alerts, List<OutputLine> errors) {
        this.results = results;
        this.alerts = alerts;
        this.errors = errors;
    }

    public static PipelineRun of(JobSettings job, List<String> records, int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        // One source subtask emitting in list order; the pipeline behind it runs at the given parallelism.
        Outputs out = WorkloadPipeline.of(job.workload).build(ListRecords.inOrder(env, records), job, WatermarkMode.PER_EVENT);
        CloseableIterator<OutputLine> results = out.results.collectAsync();
        CloseableIterator<OutputLine> alerts = out.alerts == null ? null : out.alerts.collectAsync();
        CloseableIterator<OutputLine> errors = out.errors.collectAsync();
        env.execute("test-" + job.workload.id());
        return new PipelineRun(drain(results), alerts == null ? List.of() : drain(alerts), drain(errors));
    }

    private static List<OutputLine> drain(CloseableIterator<OutputLine> it) throws Exception {
        List<OutputLine> lines = new ArrayList<>();
        it.forEachRemaining(lines::add);
        it.close();
        return lines;
    }

    public static JsonNode json(OutputLine line) {
        try {
            return MAPPER.readTree(line.json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line.json, e);
        }
    }

    public static List<JsonNode> json(List<OutputLine> lines, Predicate<OutputLine> filter) {
        return lines.stream().filter(filter).map(PipelineRun::json).collect(Collectors.toList());
    }
}
