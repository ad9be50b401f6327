package dev.kpufit.flink.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads typed values out of property groups, collecting every problem (named {@code Group.key}) instead of
 * stopping at the first, so one start-up failure lists everything that needs fixing.
 */
public final class PropertyReader {
    private final PropertyGroups groups;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    public PropertyReader(PropertyGroups groups) {
        this.groups = groups;
    }

    private String raw(String group, String key) {
        String v = groups.group(group).getProperty(key);
        return v == null || v.trim().isEmpty() ? null : v.trim();
    }

    private void problem(String group, String key, String message) {
        problems.add(group + "." + key + ": " + message);
    }

    public String requiredString(String group, String key, String description) {
        String v = raw(group, key);
        if (v == null) {
            problem(group, key, "missing (required: " + description + ")");
        }
        return v;
    }

    public String optionalString(String group, String key) {
        return raw(group, key);
    }

    public String matching(String group, String key, boolean required, Pattern pattern, String expected) {
        String v = required ? requiredString(group, key, expected) : raw(group, key);
        if (v != null && !pattern.matcher(v).matches()) {
            problem(group, key, "must be " + expected + ", got '" + v + "'");
            return null;
        }
        return v;
    }

    public int intInRange(String group, String key, int defaultValue, int min, int max) {
        String v = raw(group, key);
        if (v == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(v);
            if (parsed < min || parsed > max) {
                problem(group, key, "must be an integer from " + min + " to " + max + ", got '" + v + "'");
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problem(group, key, "must be an integer from " + min + " to " + max + ", got '" + v + "'");
            return defaultValue;
        }
    }

    public double positiveDouble(String group, String key, double defaultValue) {
        String v = raw(group, key);
        if (v == null) {
            return defaultValue;
        }
        try {
            double parsed = Double.parseDouble(v);
            if (!Double.isFinite(parsed) || parsed <= 0) {
                problem(group, key, "must be a number > 0, got '" + v + "'");
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problem(group, key, "must be a number > 0, got '" + v + "'");
            return defaultValue;
        }
    }

    /** Enum values are matched case-insensitively against their lower-case or upper-case spelling. */
    public <E extends Enum<E>> E enumValue(String group, String key, Class<E> type, E defaultValue) {
        String v = raw(group, key);
        String allowed = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining("|"));
        if (v == null) {
            if (defaultValue == null) {
                problem(group, key, "missing (required: one of " + allowed + ")");
            }
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        problem(group, key, "must be one of " + allowed + ", got '" + v + "'");
        return defaultValue;
    }

    /** Keys that the job does not know are reported as warnings: a typo must not pass silently. */
    public void warnUnknownKeys(String group, Set<String> known) {
        Properties p = groups.group(group);
        for (String key : p.stringPropertyNames()) {
            if (!known.contains(key)) {
                warnings.add(group + "." + key + ": unknown key, ignored (known: " + String.join(", ", known) + ")");
            }
        }
    }

    public void addProblem(String group, String key, String message) {
        problem(group, key, message);
    }

    public List<String> warnings() {
        return warnings;
    }

    /** Throws if any value read so far was missing or invalid. */
    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new InvalidPropertiesException(problems);
        }
    }
}
