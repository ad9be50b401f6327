package dev.kpufit.flink.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

/** Strict typed field access on a parsed JSON object; every failure names the field. */
final class JsonFields {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFields() {
    }

    static JsonNode object(String line) throws MalformedEventException {
        if (line == null || line.isBlank()) {
            throw new MalformedEventException("bad JSON: empty record");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("bad JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new MalformedEventException("bad JSON: record is not a JSON object");
        }
        return node;
    }

    private static JsonNode field(JsonNode o, String name) throws MalformedEventException {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new MalformedEventException("missing field '" + name + "'");
        }
        return v;
    }

    static String text(JsonNode o, String name) throws MalformedEventException {
        String v = textAllowEmpty(o, name);
        if (v.isEmpty()) {
            throw new MalformedEventException("field '" + name + "' must not be empty");
        }
        return v;
    }

    static String textAllowEmpty(JsonNode o, String name) throws MalformedEventException {
        JsonNode v = field(o, name);
        if (!v.isTextual()) {
            throw new MalformedEventException("wrong type: field '" + name + "' must be a string");
        }
        return v.textValue();
    }

    static double number(JsonNode o, String name) throws MalformedEventException {
        JsonNode v = field(o, name);
        if (!v.isNumber()) {
            throw new MalformedEventException("wrong type: field '" + name + "' must be a number");
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw new MalformedEventException("field '" + name + "' must be finite");
        }
        return d;
    }

    static double numberInRange(JsonNode o, String name, double min, double max) throws MalformedEventException {
        double d = number(o, name);
        if (d < min || d > max) {
            throw new MalformedEventException("field '" + name + "' out of range [" + min + ", " + max + "]: " + d);
        }
        return d;
    }

    static int integer(JsonNode o, String name) throws MalformedEventException {
        JsonNode v = field(o, name);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new MalformedEventException("wrong type: field '" + name + "' must be an integer");
        }
        return v.intValue();
    }

    /** ISO-8601 instant (the schema says UTC; an explicit offset is accepted and normalised). */
    static long timestampMillis(JsonNode o, String name) throws MalformedEventException {
        String v = textAllowEmpty(o, name);
        try {
            return OffsetDateTime.parse(v).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("unparsable timestamp: field '" + name + "' is '" + v + "'");
        }
    }

    static String oneOf(JsonNode o, String name, Set<String> allowed) throws MalformedEventException {
        String v = textAllowEmpty(o, name);
        if (!allowed.contains(v)) {
            throw new MalformedEventException("unknown value: field '" + name + "' is '" + v + "' (allowed: "
                    + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
        return v;
    }
}
