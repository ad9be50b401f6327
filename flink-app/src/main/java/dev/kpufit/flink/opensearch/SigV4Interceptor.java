package dev.kpufit.flink.opensearch;

import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.protocol.HttpContext;
import org.apache.http.protocol.HttpCoreContext;
import org.apache.http.util.EntityUtils;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Signs every request of the OpenSearch REST client with AWS Signature V4 (service {@code es}), so Amazon
 * OpenSearch Service authenticates the job as its IAM role. Runs last among the client's interceptors, when
 * Host and Content-Length are final; the body is buffered once so it can be hashed and still be sent.
 */
public final class SigV4Interceptor implements HttpRequestInterceptor {
    private final String service;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final Aws4Signer signer = Aws4Signer.create();
    /** Null: the system clock; tests pin it to reproduce AWS's published signatures. */
    private final Clock clock;

    public SigV4Interceptor(String service, String region, AwsCredentialsProvider credentials) {
        this(service, region, credentials, null);
    }

    SigV4Interceptor(String service, String region, AwsCredentialsProvider credentials, Clock clock) {
        this.service = service;
        this.region = Region.of(region);
        this.credentials = credentials;
        this.clock = clock;
    }

    @Override
    public void process(HttpRequest request, HttpContext context) throws IOException {
        URI uri = URI.create(request.getRequestLine().getUri());
        HttpHost host = (HttpHost) context.getAttribute(HttpCoreContext.HTTP_TARGET_HOST);
        if (host == null) {
            throw new IOException("SigV4: no target host in the request context");
        }
        SdkHttpFullRequest.Builder unsigned = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(request.getRequestLine().getMethod()))
                .protocol(host.getSchemeName())
                .host(host.getHostName())
                .encodedPath(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        if (host.getPort() >= 0) {
            unsigned.port(host.getPort());
        }
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                unsigned.appendRawQueryParameter(name, value);
            }
        }
        for (Header header : request.getAllHeaders()) {
            // The signer derives Host from the endpoint; Apache's own copy would be signed twice.
            if (!header.getName().equalsIgnoreCase("Host")) {
                unsigned.appendHeader(header.getName(), header.getValue());
            }
        }
        if (request instanceof HttpEntityEnclosingRequest) {
            HttpEntityEnclosingRequest withBody = (HttpEntityEnclosingRequest) request;
            HttpEntity entity = withBody.getEntity();
            if (entity != null) {
                byte[] body = EntityUtils.toByteArray(entity);
                ContentType type = entity.getContentType() == null ? null : ContentType.parse(entity.getContentType().getValue());
                withBody.setEntity(new ByteArrayEntity(body, type));
                unsigned.contentStreamProvider(() -> new ByteArrayInputStream(body));
            }
        }
        Aws4SignerParams.Builder params = Aws4SignerParams.builder()
                .awsCredentials(credentials.resolveCredentials())
                .signingName(service)
                .signingRegion(region);
        if (clock != null) {
            params.signingClockOverride(clock);
        }
        SdkHttpFullRequest signed = signer.sign(unsigned.build(), params.build());
        for (Map.Entry<String, List<String>> header : signed.headers().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("Host")) {
                request.setHeader(header.getKey(), String.join(",", header.getValue()));
            }
        }
    }
}
