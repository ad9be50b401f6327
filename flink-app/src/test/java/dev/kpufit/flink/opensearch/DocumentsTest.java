package dev.kpufit.flink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpufit.flink.pipeline.OutputLine;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lines to documents: index per workload and day, ids from the dimensions only, and mapping checks. */
class DocumentsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long WINDOW = 1768464780000L; // 2026-01-15T08:13:00Z
    private final Documents documents = new Documents("kpufit", "taxi");

    static OutputLine hotspot(int pickups) {
        return new OutputLine("pickup_hotspots", WINDOW, "dr5rud", "{\"workload\":\"taxi\",\"metric\":\"pickup_hotspots\","
                + "\"window_start\":\"2026-01-15T08:13:00Z\",\"window_end\":\"2026-01-15T08:14:00Z\",\"pickup_cell\":\"dr5rud\","
                + "\"pickups\":" + pickups + "}");
    }

    @Test
    void aHotSpotGoesToTheWorkloadsDailyIndexWithTimestampCategoryAndLocation() throws Exception {
        OpenSearchDocument doc = documents.toDocument(hotspot(3));
        assertEquals("kpufit-taxi-2026.01.15", doc.index);
        JsonNode source = MAPPER.readTree(doc.source);
        assertEquals("2026-01-15T08:13:00Z", source.get("@timestamp").asText());
        assertEquals("pickup_hotspots", source.get("category").asText());
        assertEquals("dr5rud", source.get("pickup_location").asText());
        assertEquals(3, source.get("pickups").asInt());
    }

    @Test
    void alertsGoToTheAlertsIndex() {
        OutputLine alert = new OutputLine("alerts", WINDOW, "dr5rud",
                "{\"workload\":\"taxi\",\"alert\":\"hotspot\",\"window_start\":\"2026-01-15T08:13:00Z\",\"pickups\":3,\"threshold\":2}");
        assertEquals("kpufit-alerts-2026.01.15", documents.toDocument(alert).index);
    }

    @Test
    void theIdDependsOnTheDimensionsNotOnTheMeasuredValues() {
        String id = documents.toDocument(hotspot(3)).id;
        assertEquals(id, documents.toDocument(hotspot(3)).id, "a replay gets the same id");
        assertEquals(id, documents.toDocument(hotspot(4)).id, "a recomputed window overwrites its document");
        OutputLine otherCell = new OutputLine("pickup_hotspots", WINDOW, "dr5ru7", hotspot(3).json.replace("dr5rud", "dr5ru7"));
        assertNotEquals(id, documents.toDocument(otherCell).id);
        assertEquals(40, id.length());
    }

    @Test
    void aFieldThatDoesNotFitTheMappingIsRejectedWithItsName() {
        OutputLine bad = new OutputLine("pickup_hotspots", WINDOW, "dr5rud", hotspot(3).json.replace("\"pickups\":3", "\"pickups\":\"many\""));
        Documents.BadDocument e = assertThrows(Documents.BadDocument.class, () -> documents.toDocument(bad));
        assertEquals("field pickups must be a long (index template), got \"many\"", e.getMessage());
        OutputLine badDate = new OutputLine("pickup_hotspots", WINDOW, "dr5rud", hotspot(3).json.replace("2026-01-15T08:14:00Z", "soon"));
        assertTrue(assertThrows(Documents.BadDocument.class, () -> documents.toDocument(badDate)).getMessage().startsWith("field window_end must be a date"));
        assertThrows(Documents.BadDocument.class, () -> documents.toDocument(new OutputLine("x", WINDOW, "k", "not json")));
    }

    @Test
    void unmappedFieldsAreKeptButNotChecked() throws Exception {
        OutputLine extra = new OutputLine("pickup_hotspots", WINDOW, "dr5rud", hotspot(3).json.replace("}", ",\"note\":[1,2]}"));
        assertEquals("[1,2]", MAPPER.readTree(documents.toDocument(extra).source).get("note").toString());
    }

    @Test
    void aRejectedLineNamesTheReasonAndKeepsTheRecord() throws Exception {
        OutputLine line = Documents.rejectedLine("taxi", hotspot(3), "field pickups must be a long", 1768464800000L);
        assertEquals(Documents.REJECTED_CATEGORY, line.category);
        JsonNode json = MAPPER.readTree(line.json);
        assertEquals("opensearch: field pickups must be a long", json.get("reason").asText());
        assertEquals(hotspot(3).json, json.get("record").asText());
        assertFalse(json.get("observed_at").asText().isEmpty());
    }
}
