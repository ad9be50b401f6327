package dev.kpufit.flink.opensearch;

import org.apache.http.HttpHost;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.message.BasicHttpEntityEnclosingRequest;
import org.apache.http.message.BasicHttpRequest;
import org.apache.http.protocol.BasicHttpContext;
import org.apache.http.protocol.HttpCoreContext;
import org.apache.http.util.EntityUtils;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interceptor reproduces AWS's published SigV4 test-suite signatures, and leaves the body sendable. */
class SigV4InterceptorTest {
    private static final StaticCredentialsProvider EXAMPLE = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
    private static final Clock TEST_SUITE_TIME = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);

    static BasicHttpContext target(String host) {
        BasicHttpContext context = new BasicHttpContext();
        context.setAttribute(HttpCoreContext.HTTP_TARGET_HOST, new HttpHost(host, -1, "https"));
        return context;
    }

    @Test
    void getVanillaMatchesTheAwsTestSuite() throws Exception {
        BasicHttpRequest request = new BasicHttpRequest("GET", "/");
        new SigV4Interceptor("service", "us-east-1", EXAMPLE, TEST_SUITE_TIME).process(request, target("example.amazonaws.com"));
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                request.getFirstHeader("Authorization").getValue());
        assertEquals("20150830T123600Z", request.getFirstHeader("X-Amz-Date").getValue());
    }

    @Test
    void aBulkPostIsSignedForEsWithItsQueryAndKeepsItsBody() throws Exception {
        String body = "{\"index\":{\"_index\":\"kpufit-taxi-2026.01.15\",\"_id\":\"a\"}}\n{\"pickups\":3}\n";
        BasicHttpEntityEnclosingRequest request = new BasicHttpEntityEnclosingRequest("POST", "/_bulk?timeout=1m");
        request.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        // What the client's own interceptors (RequestContent) have set by the time this one runs last.
        request.setHeader("Content-Type", "application/json; charset=UTF-8");
        request.setHeader("Content-Length", String.valueOf(body.length()));
        new SigV4Interceptor("es", "eu-west-1", EXAMPLE, TEST_SUITE_TIME).process(request, target("search-x.eu-west-1.es.amazonaws.com"));
        String authorization = request.getFirstHeader("Authorization").getValue();
        assertTrue(authorization.startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/es/aws4_request, "
                + "SignedHeaders=content-length;content-type;host;x-amz-date, Signature="), authorization);
        assertEquals(body, EntityUtils.toString(request.getEntity()), "the body is still there to send");
    }
}
