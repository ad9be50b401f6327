package dev.kpufit.flink.kinesis;

import dev.kpufit.flink.source.Malformed;
import dev.kpufit.flink.source.RecordDecoder;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kinesis.source.serialization.KinesisDeserializationSchema;
import org.apache.flink.kinesis.shaded.software.amazon.awssdk.services.kinesis.model.Record;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/** Parses each record's payload in the source; a malformed one is kept (Left) for errors/malformed. */
public final class KinesisDecoding<T> implements KinesisDeserializationSchema<Either<Malformed, T>> {
    private static final long serialVersionUID = 1L;
    private final RecordDecoder<T> decoder;

    public KinesisDecoding(RecordDecoder<T> decoder) {
        this.decoder = decoder;
    }

    @Override
    public void deserialize(Record record, String stream, String shardId, Collector<Either<Malformed, T>> output) {
        output.collect(decoder.decode(record.data().asByteArrayUnsafe()));
    }

    @Override
    public TypeInformation<Either<Malformed, T>> getProducedType() {
        return decoder.producedType();
    }
}
