package dev.kpufit.flink.opensearch;

import dev.kpufit.flink.pipeline.OutputLine;
import dev.kpufit.flink.pipeline.Outputs;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.opensearch.sink.FlushBackoffType;
import org.apache.flink.connector.opensearch.sink.Opensearch2Sink;
import org.apache.flink.connector.opensearch.sink.Opensearch2SinkBuilder;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.http.HttpHost;

/**
 * The optional OpenSearch sink: results and alerts become documents (Documents), are bulk-indexed at least once
 * (flushed by count, size and interval, and on every checkpoint) with exponential back-off on 429, and lines that
 * cannot become documents join the errors stream, so the file sink writes them under errors/. Returns the Outputs
 * the other sinks attach to.
 */
public final class OpenSearchSinks {
    private OpenSearchSinks() {
    }

    /** Attaches the sink when settings is non-null; returns outputs whose errors include the rejected lines. */
    public static Outputs attach(Outputs outputs, OpenSearchSettings settings, String workload) {
        if (settings == null) {
            return outputs;
        }
        DataStream<OutputLine> indexed = outputs.alerts == null ? outputs.results : outputs.results.union(outputs.alerts);
        SingleOutputStreamOperator<OpenSearchDocument> documents = indexed
                .process(new Documents(settings.indexPrefix, workload), TypeInformation.of(OpenSearchDocument.class))
                .uid("opensearch-documents").name("results to OpenSearch documents");
        documents.sinkTo(sink(settings)).uid("opensearch-sink").name("OpenSearch sink");
        DataStream<OutputLine> errors = outputs.errors.union(documents.getSideOutput(Documents.REJECTED));
        return new Outputs(outputs.results, outputs.alerts, errors);
    }

    static Opensearch2Sink<OpenSearchDocument> sink(OpenSearchSettings settings) {
        return new Opensearch2SinkBuilder<OpenSearchDocument>()
                .setHosts(HttpHost.create(settings.endpoint))
                .setEmitter(new ResultsEmitter(settings))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setBulkFlushMaxActions(settings.bulkFlushMaxActions)
                .setBulkFlushMaxSizeMb(settings.bulkFlushMaxSizeMb)
                .setBulkFlushInterval(settings.bulkFlushIntervalMillis)
                .setBulkFlushBackoffStrategy(FlushBackoffType.EXPONENTIAL, settings.backoffRetries, settings.backoffDelayMillis)
                .setRestClientFactory(new RestClients(settings))
                .setBulkResponseInspectorFactory(RejectionInspector.factory())
                .build();
    }
}
