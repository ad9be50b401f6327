package dev.kpufit.flink.config;

import java.io.Serializable;

/** The {@code InputStream} property group: the Kinesis stream the job reads. */
public final class InputSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String streamArn;
    public final String streamName;
    public final String region;
    public final InitialPosition initialPosition;
    /** ISO-8601 instant; only with {@link InitialPosition#AT_TIMESTAMP}. */
    public final String initialTimestamp;
    /** Null outside local runs against an emulator. */
    public final String endpoint;
    /** Local runs against an emulator sign with placeholder keys; never set on Managed Flink. */
    public final boolean emulatorCredentials;

    public InputSettings(String streamArn, String streamName, String region, InitialPosition initialPosition,
                         String initialTimestamp, String endpoint, boolean emulatorCredentials) {
        this.streamArn = streamArn;
        this.streamName = streamName;
        this.region = region;
        this.initialPosition = initialPosition;
        this.initialTimestamp = initialTimestamp;
        this.endpoint = endpoint;
        this.emulatorCredentials = emulatorCredentials;
    }
}
