package dev.kpufit.flink.config;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;

/**
 * Property groups as Managed Flink hands them to the job ({@code { "GroupId": { "key": "value" } }}),
 * from the service runtime or, for local runs, from a JSON file of the same shape.
 */
public final class PropertyGroups {
    private final Map<String, Properties> groups;

    public PropertyGroups(Map<String, Properties> groups) {
        this.groups = Collections.unmodifiableMap(new HashMap<>(groups));
    }

    public static PropertyGroups fromManagedFlinkRuntime() throws IOException {
        return new PropertyGroups(KinesisAnalyticsRuntime.getApplicationProperties());
    }

    public static PropertyGroups fromJsonFile(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new InvalidPropertiesException(
                    java.util.List.of("--properties " + file + ": cannot read JSON (" + e.getMessage().split("\n")[0] + ")"));
        }
        return fromJson(root, file.toString());
    }

    static PropertyGroups fromJson(JsonNode root, String origin) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        Map<String, Properties> groups = new HashMap<>();
        if (root == null || !root.isObject()) {
            throw new InvalidPropertiesException(java.util.List.of(
                    origin + ": must be a JSON object of property groups { \"GroupId\": { \"key\": \"value\" } }"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> group = it.next();
            if (!group.getValue().isObject()) {
                problems.add(group.getKey() + ": property group must be an object of string values");
                continue;
            }
            Properties props = new Properties();
            for (Iterator<Map.Entry<String, JsonNode>> kv = group.getValue().fields(); kv.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = kv.next();
                JsonNode v = entry.getValue();
                if (!v.isValueNode() || v.isNull()) {
                    problems.add(group.getKey() + "." + entry.getKey() + ": must be a string, number or boolean");
                    continue;
                }
                props.setProperty(entry.getKey(), v.asText());
            }
            groups.put(group.getKey(), props);
        }
        if (!problems.isEmpty()) {
            throw new InvalidPropertiesException(problems);
        }
        return new PropertyGroups(groups);
    }

    public Properties group(String name) {
        Properties p = groups.get(name);
        return p == null ? new Properties() : p;
    }

    public boolean hasGroup(String name) {
        return groups.containsKey(name);
    }
}
