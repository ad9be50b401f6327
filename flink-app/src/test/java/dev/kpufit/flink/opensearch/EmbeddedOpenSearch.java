package dev.kpufit.flink.opensearch;

import org.apache.http.HttpHost;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.RestClient;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A real single-node OpenSearch cluster in the test JVM (the server release the connector's client is built on),
 * reachable over HTTP on 127.0.0.1 and a free port: the sink talks to it exactly as to a remote cluster.
 */
public final class EmbeddedOpenSearch implements AutoCloseable {
    private final Node node;
    private final Path home;
    public final int httpPort;
    public final RestClient client;

    /** Node's plugin-loading constructor is protected: this subclass hands it the Netty HTTP transport. */
    private static final class PluginNode extends Node {
        PluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    private EmbeddedOpenSearch(Node node, Path home, int httpPort) {
        this.node = node;
        this.home = home;
        this.httpPort = httpPort;
        this.client = RestClient.builder(new HttpHost("127.0.0.1", httpPort, "http")).build();
    }

    public static EmbeddedOpenSearch start() throws Exception {
        return start(freePort());
    }

    public static EmbeddedOpenSearch start(int httpPort) throws Exception {
        Path home = Files.createTempDirectory("kpufit-opensearch-");
        Settings settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("cluster.name", "kpufit-test")
                .put("node.name", "kpufit-test-node")
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPort)
                .put("transport.port", freePort())
                .put("http.type", Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
                .put("transport.type", Netty4Plugin.NETTY_TRANSPORT_NAME)
                // A test machine's disk may be fuller than the production watermarks allow.
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "kpufit-test-node");
        Node node = new PluginNode(environment, List.of(Netty4Plugin.class));
        node.start();
        EmbeddedOpenSearch cluster = new EmbeddedOpenSearch(node, home, httpPort);
        cluster.request("GET", "/_cluster/health?wait_for_status=yellow&timeout=60s", null);
        return cluster;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** One REST call; the body of the response as text. */
    public String request(String method, String path, String jsonBody) throws IOException {
        Request request = new Request(method, path);
        if (jsonBody != null) {
            request.setJsonEntity(jsonBody);
        }
        Response response = client.performRequest(request);
        return new String(response.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        node.close();
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
