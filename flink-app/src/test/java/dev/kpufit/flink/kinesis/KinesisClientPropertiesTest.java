package dev.kpufit.flink.kinesis;

import dev.kpufit.flink.config.InitialPosition;
import dev.kpufit.flink.config.InputSettings;
import dev.kpufit.flink.config.OutputSettings;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class KinesisClientPropertiesTest {
    static final String ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/in";

    @Test
    void onManagedFlinkOnlyTheRegionIsSetSoTheApplicationRoleSigns() {
        Configuration c = KinesisClientProperties.forSource(
                new InputSettings(ARN, "in", "eu-west-1", InitialPosition.LATEST, null, null, false));
        assertEquals("eu-west-1", c.getString("aws.region", null));
        assertFalse(c.containsKey("aws.endpoint"));
        assertFalse(c.containsKey("aws.credentials.provider"));
        assertEquals(KinesisStreamsSourceConfigConstants.InitialPosition.LATEST,
                c.get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION));
    }

    @Test
    void atTimestampStartsFromTheInstantInEpochSeconds() {
        Configuration c = KinesisClientProperties.forSource(new InputSettings(ARN, "in", "eu-west-1",
                InitialPosition.AT_TIMESTAMP, "2026-01-15T08:00:00.500Z", null, false));
        assertEquals(KinesisStreamsSourceConfigConstants.InitialPosition.AT_TIMESTAMP,
                c.get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION));
        assertEquals("1.7684640005E9", c.get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_TIMESTAMP));
        assertEquals(1768464000.5, Double.parseDouble(c.get(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_TIMESTAMP)));
    }

    @Test
    void aLocalEmulatorGetsItsEndpointPlaceholderKeysAndHttp11() {
        Properties p = KinesisClientProperties.forSink(new OutputSettings("file:///r/", "file:///e/", ARN, "us-east-1",
                "http://127.0.0.1:4568", true));
        assertEquals("http://127.0.0.1:4568", p.getProperty("aws.endpoint"));
        assertEquals("HTTP1_1", p.getProperty("aws.http.protocol.version"));
        assertEquals("BASIC", p.getProperty("aws.credentials.provider"));
        assertEquals("000000000000", p.getProperty("aws.credentials.provider.basic.accesskeyid"));
    }

    @Test
    void anEndpointOnManagedFlinkKeepsTheRolesCredentials() {
        Properties p = KinesisClientProperties.forSink(new OutputSettings("s3://b/r/", "s3://b/e/", ARN, "eu-west-1",
                "https://kinesis.eu-west-1.vpce.amazonaws.com", false));
        assertEquals("https://kinesis.eu-west-1.vpce.amazonaws.com", p.getProperty("aws.endpoint"));
        assertFalse(p.containsKey("aws.credentials.provider"));
        assertFalse(p.containsKey("aws.http.protocol.version"), "TLS endpoints keep the SDK's HTTP/2 default");
    }
}
