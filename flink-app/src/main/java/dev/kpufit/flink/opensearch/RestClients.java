package dev.kpufit.flink.opensearch;

import org.apache.flink.connector.opensearch.sink.RestClientFactory;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.opensearch.client.RestClientBuilder;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * How the job's REST client authenticates, by {@code OpenSearch.auth}: SigV4 with the job's role (the default
 * credential chain: on Managed Flink, the application's role), basic auth, or nothing (a local cluster).
 */
public final class RestClients implements RestClientFactory {
    private static final long serialVersionUID = 1L;
    private final OpenSearchSettings settings;

    public RestClients(OpenSearchSettings settings) {
        this.settings = settings;
    }

    @Override
    public void configureRestClientBuilder(RestClientBuilder builder, RestClientConfig config) {
        configure(builder, settings);
    }

    static void configure(RestClientBuilder builder, OpenSearchSettings settings) {
        switch (settings.auth) {
            case SIGV4:
                builder.setHttpClientConfigCallback(http -> http.addInterceptorLast(
                        new SigV4Interceptor("es", settings.region, DefaultCredentialsProvider.create())));
                break;
            case BASIC:
                BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(settings.username, settings.password));
                builder.setHttpClientConfigCallback(http -> http.setDefaultCredentialsProvider(credentials));
                break;
            default:
                break;
        }
    }
}
