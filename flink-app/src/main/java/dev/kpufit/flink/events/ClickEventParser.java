package dev.kpufit.flink.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/** Parses the {@code clickstream} schema of __tests__/fixtures/events/README.md. */
public final class ClickEventParser implements EventParser<ClickEvent> {
    private static final long serialVersionUID = 1L;
    /** Order is the index stored in {@link ClickEvent#eventType} and in per-type count arrays. */
    public static final List<String> EVENT_TYPES = List.of("page_view", "click", "search", "add_to_cart", "purchase");
    public static final int PURCHASE = EVENT_TYPES.indexOf("purchase");
    private static final Set<String> EVENT_TYPE_SET = Set.copyOf(EVENT_TYPES);
    private static final Set<String> DEVICE_TYPES = Set.of("mobile", "desktop", "tablet");

    @Override
    public ClickEvent parse(String line) throws MalformedEventException {
        JsonNode o = JsonFields.object(line);
        ClickEvent e = new ClickEvent();
        e.timestampMillis = JsonFields.timestampMillis(o, "timestamp");
        e.userId = JsonFields.text(o, "user_id");
        e.eventType = EVENT_TYPES.indexOf(JsonFields.oneOf(o, "event_type", EVENT_TYPE_SET));
        double amount = JsonFields.number(o, "amount");
        if (amount < 0) {
            throw new MalformedEventException("field 'amount' must be >= 0: " + amount);
        }
        e.amountCents = Math.round(amount * 100.0);
        e.productId = JsonFields.textAllowEmpty(o, "product_id");
        e.sessionId = JsonFields.text(o, "session_id");
        e.location = JsonFields.text(o, "location");
        e.deviceType = JsonFields.oneOf(o, "device_type", DEVICE_TYPES);
        e.pageUrl = JsonFields.text(o, "page_url");
        e.referrer = JsonFields.textAllowEmpty(o, "referrer");
        return e;
    }
}
