package dev.kpufit.flink.opensearch;

import java.util.concurrent.CountDownLatch;

/**
 * {@code npm run flink:local -- --opensearch}: a local single-node OpenSearch on 127.0.0.1:&lt;port&gt; for the local
 * job to index into. Prints {@code opensearch ready <url>} once it answers, and stops on SIGTERM or when stdin closes.
 */
public final class LocalOpenSearchNode {
    private LocalOpenSearchNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !args[0].matches("\\d{1,5}")) {
            System.err.println("usage: LocalOpenSearchNode <http-port>");
            System.exit(2);
        }
        EmbeddedOpenSearch node = EmbeddedOpenSearch.start(Integer.parseInt(args[0]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("opensearch: " + e.getMessage());
            }
            stopped.countDown();
        }));
        System.out.println("opensearch ready " + node.endpoint());
        System.out.flush();
        // The parent closing stdin (or dying) ends the node too: no orphaned cluster.
        while (System.in.read() != -1) {
            // ignore input
        }
        System.exit(0);
    }
}
