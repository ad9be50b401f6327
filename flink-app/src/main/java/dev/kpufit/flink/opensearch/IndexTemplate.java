package dev.kpufit.flink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The index template of the job's indices: stacks/opensearch/index-template.json (one file for the job, the
 * dashboards and their test), bundled into the jar by Maven. {@code ${prefix}} becomes the configured index prefix.
 */
public final class IndexTemplate {
    static final String RESOURCE = "/dev/kpufit/flink/opensearch/index-template.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private IndexTemplate() {
    }

    /** Template name: one per prefix, so two jobs with different prefixes never overwrite each other's. */
    public static String name(String prefix) {
        return prefix + "-results";
    }

    public static String json(String prefix) {
        try (InputStream in = IndexTemplate.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("index template " + RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${prefix}", prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every mapped field by dotted path ({@code events_by_type.click}) with its type; objects are {@code object}. */
    public static Map<String, String> fieldTypes() {
        try {
            JsonNode properties = MAPPER.readTree(json("x")).path("template").path("mappings").path("properties");
            Map<String, String> types = new LinkedHashMap<>();
            collect("", properties, types);
            return Collections.unmodifiableMap(types);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(String prefix, JsonNode properties, Map<String, String> into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = prefix + field.getKey();
            if (field.getValue().has("properties")) {
                into.put(path, "object");
                collect(path + ".", field.getValue().get("properties"), into);
            } else {
                into.put(path, field.getValue().path("type").asText());
            }
        }
    }
}
