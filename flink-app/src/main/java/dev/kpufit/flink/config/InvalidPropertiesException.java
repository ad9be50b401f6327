package dev.kpufit.flink.config;

import java.util.List;

/** Thrown at start-up when runtime properties are missing or invalid; one line per offending key. */
public final class InvalidPropertiesException extends RuntimeException {
    private final List<String> problems;

    public InvalidPropertiesException(List<String> problems) {
        super("invalid runtime properties:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
