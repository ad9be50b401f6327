package dev.kpufit.flink.events;

import dev.kpufit.flink.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClickEventParserTest {
    private final ClickEventParser parser = new ClickEventParser();

    private String reason(String line) {
        return assertThrows(MalformedEventException.class, () -> parser.parse(line)).getMessage();
    }

    @Test
    void readsAPurchaseWithItsAmountInExactCents() throws Exception {
        ClickEvent e = parser.parse(Fixtures.lines("clickstream", "valid").get(2));
        assertEquals(Instant.parse("2026-01-15T08:00:40Z").toEpochMilli(), e.timestampMillis);
        assertEquals("user-00042", e.userId);
        assertEquals(ClickEventParser.PURCHASE, e.eventType);
        assertEquals(5999L, e.amountCents);
        assertEquals("prod-0101", e.productId);
        assertEquals("sess-0000a1", e.sessionId);
        assertEquals("US-NY", e.location);
        assertEquals("mobile", e.deviceType);
        assertEquals("/checkout", e.pageUrl);
        assertEquals("/cart", e.referrer);
    }

    @Test
    void allowsEmptyProductAndReferrer() throws Exception {
        ClickEvent e = parser.parse(Fixtures.lines("clickstream", "valid").get(3));
        assertEquals("", e.productId);
        assertEquals("", e.referrer);
        assertEquals(ClickEventParser.EVENT_TYPES.indexOf("search"), e.eventType);
    }

    @Test
    void rejectsTheMalformedFixturesForTheRightReason() {
        List<String> bad = Fixtures.lines("clickstream", "malformed");
        assertEquals("unknown value: field 'event_type' is 'teleport' (allowed: add_to_cart, click, page_view, purchase, search)",
                reason(bad.get(0)));
        assertEquals("wrong type: field 'amount' must be a number", reason(bad.get(1)));
        assertEquals("unparsable timestamp: field 'timestamp' is 'not-a-time'", reason(bad.get(2)));
        assertEquals("missing field 'timestamp'", reason(bad.get(3)));
    }

    @Test
    void rejectsANegativeAmountAndAnUnknownDevice() {
        String valid = Fixtures.lines("clickstream", "valid").get(2);
        assertEquals("field 'amount' must be >= 0: -59.99", reason(valid.replace("59.99", "-59.99")));
        assertEquals("unknown value: field 'device_type' is 'watch' (allowed: desktop, mobile, tablet)",
                reason(valid.replace("\"mobile\"", "\"watch\"")));
    }
}
