package dev.kpufit.flink.events;

/** One clickstream event. Public fields: a Flink POJO. */
public class ClickEvent {
    public long timestampMillis;
    public String userId;
    /** Index into {@link ClickEventParser#EVENT_TYPES}. */
    public int eventType;
    /** Purchase amount in cents, exact so revenue sums do not drift. */
    public long amountCents;
    public String productId;
    public String sessionId;
    public String location;
    public String deviceType;
    public String pageUrl;
    public String referrer;

    public ClickEvent() {
    }
}
