package dev.kpufit.flink.source;

/** A record the source could not parse: its text and why. Routed to errors/malformed downstream, never dropped. */
public class Malformed {
    public String record;
    public String reason;

    public Malformed() {
    }

    public Malformed(String record, String reason) {
        this.record = record;
        this.reason = reason;
    }
}
