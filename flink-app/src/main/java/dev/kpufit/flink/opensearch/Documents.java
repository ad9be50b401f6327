package dev.kpufit.flink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kpufit.flink.pipeline.Json;
import dev.kpufit.flink.pipeline.JobMetrics;
import dev.kpufit.flink.pipeline.OutputLine;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns result and alert lines into OpenSearch documents: daily index, idempotent id, {@code @timestamp},
 * {@code category}, and a {@code pickup_location} geo_point (the geohash cell) for the taxi map. A line whose fields
 * do not fit the index template's mapping goes to the errors side output with the reason, instead of failing a
 * bulk request (or the job) later.
 */
public final class Documents extends ProcessFunction<OutputLine, OpenSearchDocument> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<OutputLine> REJECTED =
            new OutputTag<>("opensearch-rejected", TypeInformation.of(OutputLine.class));
    /** Category of the error lines this produces (errors.path/<workload>/opensearch_rejected/). */
    public static final String REJECTED_CATEGORY = "opensearch_rejected";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
    private static final Pattern GEOHASH = Pattern.compile("[0-9b-hjkmnp-z]{1,12}");

    private final String indexPrefix;
    private final String workload;
    private final Map<String, String> fieldTypes;
    private transient Counter rejected;

    public Documents(String indexPrefix, String workload) {
        this.indexPrefix = indexPrefix;
        this.workload = workload;
        this.fieldTypes = new TreeMap<>(IndexTemplate.fieldTypes());
    }

    @Override
    public void open(OpenContext openContext) {
        rejected = JobMetrics.counter(getRuntimeContext().getMetricGroup(), "opensearchRejectedDocuments");
    }

    @Override
    public void processElement(OutputLine line, Context ctx, Collector<OpenSearchDocument> out) {
        try {
            out.collect(toDocument(line));
        } catch (BadDocument e) {
            rejected.inc();
            ctx.output(REJECTED, rejectedLine(workload, line, e.getMessage(), System.currentTimeMillis()));
        }
    }

    /** The document for one line; throws BadDocument naming the field that does not fit the mapping. */
    OpenSearchDocument toDocument(OutputLine line) {
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(line.json);
        } catch (Exception e) {
            throw new BadDocument("not JSON: " + e.getMessage().split("\n")[0]);
        }
        if (parsed == null || !parsed.isObject()) {
            throw new BadDocument("not a JSON object");
        }
        ObjectNode doc = (ObjectNode) parsed;
        doc.put("category", line.category);
        doc.put("@timestamp", Json.iso(line.partitionMillis));
        JsonNode cell = doc.get("pickup_cell");
        if (cell != null && cell.isTextual() && GEOHASH.matcher(cell.asText()).matches()) {
            // geo_point takes a geohash as is: the cell's centre is where the map draws the hot spot.
            doc.put("pickup_location", cell.asText());
        }
        check("", doc);
        String index = indexPrefix + "-" + ("alerts".equals(line.category) ? "alerts" : workload) + "-"
                + DAY.format(Instant.ofEpochMilli(line.partitionMillis));
        return new OpenSearchDocument(index, id(line, doc), Json.write(doc));
    }

    private void check(String prefix, ObjectNode node) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = prefix + field.getKey();
            String type = fieldTypes.get(path);
            JsonNode v = field.getValue();
            if (type == null || v.isNull()) {
                continue; // kept in _source, not indexed (dynamic: false)
            }
            boolean fits;
            switch (type) {
                case "object":
                    fits = v.isObject();
                    if (fits) {
                        check(path + ".", (ObjectNode) v);
                    }
                    break;
                case "long":
                case "integer":
                    fits = v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
                    break;
                case "double":
                case "float":
                    fits = v.isNumber() && Double.isFinite(v.asDouble());
                    break;
                case "date":
                    fits = v.isTextual() && isInstant(v.asText());
                    break;
                case "geo_point":
                    fits = v.isTextual() && GEOHASH.matcher(v.asText()).matches();
                    break;
                default: // keyword
                    fits = v.isValueNode();
            }
            if (!fits) {
                throw new BadDocument("field " + path + " must be a " + type + " (index template), got " + v);
            }
        }
    }

    private static boolean isInstant(String text) {
        try {
            Instant.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * The same result gets the same id on every run: category, window/event time, key and every keyword and date
     * field (the dimensions), never the measured values. A replay after a restore overwrites instead of duplicating.
     */
    String id(OutputLine line, ObjectNode doc) {
        StringBuilder identity = new StringBuilder()
                .append(workload).append('|').append(line.category).append('|')
                .append(line.partitionMillis).append('|').append(line.key);
        for (Map.Entry<String, String> field : fieldTypes.entrySet()) {
            String type = field.getValue();
            if (!type.equals("keyword") && !type.equals("date") || field.getKey().equals("@timestamp")) {
                continue;
            }
            JsonNode v = doc.get(field.getKey());
            if (v != null && !v.isNull()) {
                identity.append('|').append(field.getKey()).append('=').append(v.asText());
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    static OutputLine rejectedLine(String workload, OutputLine line, String reason, long now) {
        ObjectNode json = Json.object()
                .put("workload", workload)
                .put("reason", "opensearch: " + reason)
                .put("observed_at", Json.iso(now))
                .put("category", line.category)
                .put("record", line.json);
        return new OutputLine(REJECTED_CATEGORY, now, line.key, Json.write(json));
    }

    /** A line that cannot become a document of the template's mapping. */
    static final class BadDocument extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadDocument(String message) {
            super(message);
        }
    }
}
