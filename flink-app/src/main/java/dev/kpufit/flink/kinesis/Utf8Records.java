package dev.kpufit.flink.kinesis;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kinesis.source.serialization.KinesisDeserializationSchema;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;

/** Passes each record's payload on as text; parsing (and rejecting) happens downstream with a reason. */
public final class Utf8Records implements KinesisDeserializationSchema<String> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(Record record, String stream, String shardId, Collector<String> output) {
        output.collect(new String(record.data().asByteArrayUnsafe(), StandardCharsets.UTF_8));
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }
}
