package dev.kpufit.flink.events;

import java.io.Serializable;

/** Turns one record (a JSON line) into an event, or says why it cannot. */
@FunctionalInterface
public interface EventParser<T> extends Serializable {
    T parse(String line) throws MalformedEventException;
}
