package dev.kpufit.flink.events;

import dev.kpufit.flink.Fixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every line of the shared fixtures: valid lines parse, malformed lines are rejected with a reason. */
class FixtureContractTest {
    private static final Map<String, EventParser<?>> PARSERS = Map.of(
            "taxi", new TaxiTripParser(),
            "iot", new IotReadingParser(),
            "clickstream", new ClickEventParser());

    @Test
    void everyFixtureFileBelongsToAKnownWorkloadAndKind() throws IOException {
        List<String> files;
        try (var s = Files.list(Fixtures.dir())) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl")).collect(Collectors.toList());
        }
        for (String workload : PARSERS.keySet()) {
            assertTrue(files.contains(workload + ".valid.jsonl"), workload + ".valid.jsonl is missing");
            assertTrue(files.contains(workload + ".malformed.jsonl"), workload + ".malformed.jsonl is missing");
        }
        for (String file : files) {
            String[] parts = file.split("\\.");
            assertTrue(PARSERS.containsKey(parts[0]), "fixture for unknown workload: " + file);
            assertTrue(parts[1].equals("valid") || parts[1].equals("malformed"), "unknown fixture kind: " + file);
        }
    }

    @TestFactory
    List<DynamicTest> validLinesParse() {
        List<DynamicTest> tests = new ArrayList<>();
        PARSERS.forEach((workload, parser) -> {
            List<String> lines = Fixtures.lines(workload, "valid");
            assertFalse(lines.isEmpty(), workload + " has no valid fixtures");
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                tests.add(DynamicTest.dynamicTest(workload + ".valid line " + (i + 1) + " parses",
                        () -> parser.parse(line)));
            }
        });
        return tests;
    }

    @TestFactory
    List<DynamicTest> malformedLinesAreRejectedWithAReason() {
        List<DynamicTest> tests = new ArrayList<>();
        PARSERS.forEach((workload, parser) -> {
            List<String> lines = Fixtures.lines(workload, "malformed");
            assertFalse(lines.isEmpty(), workload + " has no malformed fixtures");
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                tests.add(DynamicTest.dynamicTest(workload + ".malformed line " + (i + 1) + " is rejected", () -> {
                    MalformedEventException e = assertThrows(MalformedEventException.class, () -> parser.parse(line));
                    assertFalse(e.getMessage().isBlank());
                }));
            }
        });
        return tests;
    }

    @Test
    void theMalformedFixturesCoverEveryReasonTheContractNames() {
        List<String> reasons = new ArrayList<>();
        PARSERS.forEach((workload, parser) -> {
            for (String line : Fixtures.lines(workload, "malformed")) {
                try {
                    parser.parse(line);
                } catch (MalformedEventException e) {
                    reasons.add(e.getMessage());
                }
            }
        });
        for (String expected : List.of("bad JSON", "missing field", "wrong type", "unknown value", "unparsable timestamp")) {
            assertTrue(reasons.stream().anyMatch(r -> r.startsWith(expected)),
                    "no malformed fixture is rejected for '" + expected + "': " + reasons);
        }
        assertEquals(reasons.size(), PARSERS.keySet().stream().mapToInt(w -> Fixtures.lines(w, "malformed").size()).sum());
    }
}
