package dev.kpufit.flink.opensearch;

import dev.kpufit.flink.pipeline.JobMetrics;
import org.apache.flink.connector.opensearch.sink.BulkResponseInspector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.FlinkRuntimeException;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.core.rest.RestStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do with the items a bulk request could not index. A document the cluster refuses (4xx: a mapping
 * conflict, a bad value) is counted ({@code opensearchRejectedDocuments}) and logged, never retried and never fatal:
 * one bad result must not stop the pipeline. A busy (429, after the sink's exponential back-off) or failing (5xx)
 * cluster fails the task instead: Flink restarts from the last checkpoint and replays, and the idempotent ids make
 * the replay overwrite what was already indexed (at-least-once without duplicates).
 */
public final class RejectionInspector implements BulkResponseInspector {
    private static final Logger LOG = LoggerFactory.getLogger(RejectionInspector.class);
    /** Log lines per task for rejected documents; the counter keeps counting after that. */
    private static final int MAX_LOGGED = 100;

    private final Counter rejected;
    private long logged;

    public RejectionInspector(Counter rejected) {
        this.rejected = rejected;
    }

    public static BulkResponseInspector.BulkResponseInspectorFactory factory() {
        return context -> new RejectionInspector(JobMetrics.counter(context.metricGroup(), "opensearchRejectedDocuments"));
    }

    @Override
    public void inspect(BulkRequest request, BulkResponse response) {
        if (!response.hasFailures()) {
            return;
        }
        BulkItemResponse retriable = null;
        int retriableCount = 0;
        for (BulkItemResponse item : response.getItems()) {
            if (!item.isFailed()) {
                continue;
            }
            RestStatus status = item.getFailure().getStatus();
            if (status == RestStatus.TOO_MANY_REQUESTS || status.getStatus() >= 500) {
                retriable = retriable == null ? item : retriable;
                retriableCount++;
                continue;
            }
            rejected.inc();
            if (logged++ < MAX_LOGGED) {
                LOG.warn("OpenSearch rejected document {}/{} ({}): {}", item.getIndex(), item.getId(), status,
                        item.getFailureMessage());
            }
        }
        if (retriable != null) {
            throw new FlinkRuntimeException("OpenSearch could not index " + retriableCount + " of " + response.getItems().length
                    + " documents (" + retriable.getFailure().getStatus() + ": " + retriable.getFailureMessage()
                    + "); restarting from the last checkpoint to replay them", retriable.getFailure().getCause());
        }
    }
}
