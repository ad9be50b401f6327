package dev.kpufit.flink.events;

/** A record that cannot become an event; the message is the reason written to errors/. */
public final class MalformedEventException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedEventException(String reason) {
        super(reason, null, false, false);
    }
}
