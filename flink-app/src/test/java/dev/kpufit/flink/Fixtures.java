package dev.kpufit.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The shared event fixtures in __tests__/fixtures/events/, the contract with the TypeScript load generator. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path dir() {
        String configured = System.getProperty("fixtures.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "__tests__", "fixtures", "events");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("fixtures folder not found: " + dir.toAbsolutePath());
        }
        return dir;
    }

    /** Non-blank lines of {@code <workload>.<kind>.jsonl}, kind being valid or malformed. */
    public static List<String> lines(String workload, String kind) {
        Path file = dir().resolve(workload + "." + kind + ".jsonl");
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
