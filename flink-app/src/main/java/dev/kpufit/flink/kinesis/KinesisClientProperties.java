package dev.kpufit.flink.kinesis;

import dev.kpufit.flink.config.InitialPosition;
import dev.kpufit.flink.config.InputSettings;
import dev.kpufit.flink.config.OutputSettings;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;

import java.time.Instant;
import java.util.Properties;

/**
 * AWS client settings for the Kinesis source and sink, in the connector's {@code aws.*} keys. On Managed Flink
 * only the region is set and the application's IAM role signs; local runs against an emulator add its endpoint
 * and placeholder keys (the emulator's default account id), never real credentials.
 */
public final class KinesisClientProperties {
    /** kinesis-mock selects the account from a 12-digit access key id; this is its default account. */
    static final String EMULATOR_ACCESS_KEY = "000000000000";

    private KinesisClientProperties() {
    }

    public static Configuration forSource(InputSettings in) {
        Configuration c = new Configuration();
        common(in.region, in.endpoint, in.emulatorCredentials).forEach((k, v) -> c.setString((String) k, (String) v));
        c.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION,
                KinesisStreamsSourceConfigConstants.InitialPosition.valueOf(in.initialPosition.name()));
        if (in.initialPosition == InitialPosition.AT_TIMESTAMP) {
            // Epoch seconds: the connector's fallback when the value does not match its date format.
            double seconds = Instant.parse(in.initialTimestamp).toEpochMilli() / 1000.0;
            c.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_TIMESTAMP, Double.toString(seconds));
        }
        return c;
    }

    public static Properties forSink(OutputSettings out) {
        return common(out.region, out.endpoint, out.emulatorCredentials);
    }

    static Properties common(String region, String endpoint, boolean emulatorCredentials) {
        Properties p = new Properties();
        p.setProperty("aws.region", region);
        if (endpoint != null) {
            p.setProperty("aws.endpoint", endpoint);
            if (endpoint.startsWith("http://")) {
                // The async SDK client defaults to HTTP/2, which needs TLS; a plain emulator port speaks HTTP/1.1.
                p.setProperty("aws.http.protocol.version", "HTTP1_1");
            }
        }
        if (emulatorCredentials) {
            p.setProperty("aws.credentials.provider", "BASIC");
            p.setProperty("aws.credentials.provider.basic.accesskeyid", EMULATOR_ACCESS_KEY);
            p.setProperty("aws.credentials.provider.basic.secretkey", "local-emulator");
            p.setProperty("aws.trust.all.certificates", "true");
        }
        return p;
    }
}
