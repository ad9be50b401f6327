package dev.kpufit.flink.opensearch;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.opensearch.sink.OpensearchEmitter;
import org.apache.flink.connector.opensearch.sink.RequestIndexer;
import org.apache.http.HttpHost;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;
import org.opensearch.client.RestClientBuilder;
import org.opensearch.common.xcontent.XContentType;

/**
 * Index requests with the document's own id (an index, not a create: a replay overwrites). Before the first one,
 * each writer puts the index template (idempotent): a daily index created without it would map the hot-spot
 * location as text and the map would stay empty.
 */
public final class ResultsEmitter implements OpensearchEmitter<OpenSearchDocument> {
    private static final long serialVersionUID = 1L;
    private final OpenSearchSettings settings;

    public ResultsEmitter(OpenSearchSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open() throws Exception {
        putIndexTemplate(settings);
    }

    @Override
    public void emit(OpenSearchDocument doc, SinkWriter.Context context, RequestIndexer indexer) {
        indexer.add(new IndexRequest(doc.index).id(doc.id).source(doc.source, XContentType.JSON));
    }

    /** PUT _index_template/<prefix>-results; a refusal (e.g. 403: the role lacks the grant) fails with the cause. */
    public static void putIndexTemplate(OpenSearchSettings settings) throws Exception {
        RestClientBuilder builder = RestClient.builder(HttpHost.create(settings.endpoint));
        RestClients.configure(builder, settings);
        try (RestClient client = builder.build()) {
            Request request = new Request("PUT", "/_index_template/" + IndexTemplate.name(settings.indexPrefix));
            request.setJsonEntity(IndexTemplate.json(settings.indexPrefix));
            client.performRequest(request);
        } catch (ResponseException e) {
            throw new IllegalStateException("cannot put the index template " + IndexTemplate.name(settings.indexPrefix)
                    + " on " + settings.endpoint + ": " + e.getMessage(), e);
        }
    }
}
