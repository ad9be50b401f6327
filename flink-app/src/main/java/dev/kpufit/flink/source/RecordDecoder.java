package dev.kpufit.flink.source;

import dev.kpufit.flink.events.EventParser;
import dev.kpufit.flink.events.MalformedEventException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.types.Either;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * Parses a record's payload inside the source, so the source can give it its event time and the watermark can be
 * tracked per split (shard). A malformed record comes out as {@link Either#Left} and carries no event time.
 */
public final class RecordDecoder<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final EventParser<T> parser;
    private final TypeInformation<T> eventType;

    public RecordDecoder(EventParser<T> parser, TypeInformation<T> eventType) {
        this.parser = parser;
        this.eventType = eventType;
    }

    public Either<Malformed, T> decode(byte[] payload) {
        return decode(new String(payload, StandardCharsets.UTF_8));
    }

    public Either<Malformed, T> decode(String text) {
        try {
            return Either.Right(parser.parse(text));
        } catch (MalformedEventException e) {
            return Either.Left(new Malformed(text, e.getMessage()));
        }
    }

    public TypeInformation<Either<Malformed, T>> producedType() {
        return new EitherTypeInfo<>(TypeInformation.of(Malformed.class), eventType);
    }
}
