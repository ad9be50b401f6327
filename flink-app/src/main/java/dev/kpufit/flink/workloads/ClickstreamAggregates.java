package dev.kpufit.flink.workloads;

import dev.kpufit.flink.events.ClickEvent;
import dev.kpufit.flink.events.ClickEventParser;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Two-stage clickstream aggregation: per user per window first (parallel, keyed), then one dashboard row per
 * window from the per-user rows, so counting distinct active users never needs a global set of user ids.
 */
public final class ClickstreamAggregates {
    private ClickstreamAggregates() {
    }

    private static long[] newCounts() {
        return new long[ClickEventParser.EVENT_TYPES.size()];
    }

    /** One user's activity in one window; also the accumulator of the first stage. */
    public static class UserActivity {
        public String userId;
        public long windowStart;
        public long windowEnd;
        public long[] countsByType = newCounts();
        public long revenueCents;
        public long purchases;

        public UserActivity() {
        }
    }

    /** The dashboard row for one window; also the accumulator of the second stage. */
    public static class Dashboard {
        public long windowStart;
        public long windowEnd;
        public long[] countsByType = newCounts();
        public long revenueCents;
        public long purchases;
        public long activeUsers;

        public Dashboard() {
        }

        public long events() {
            long n = 0;
            for (long c : countsByType) {
                n += c;
            }
            return n;
        }
    }

    public static final class PerUser implements AggregateFunction<ClickEvent, UserActivity, UserActivity> {
        private static final long serialVersionUID = 1L;

        @Override
        public UserActivity createAccumulator() {
            return new UserActivity();
        }

        @Override
        public UserActivity add(ClickEvent e, UserActivity acc) {
            acc.countsByType[e.eventType]++;
            if (e.eventType == ClickEventParser.PURCHASE) {
                acc.purchases++;
                acc.revenueCents += e.amountCents;
            }
            return acc;
        }

        @Override
        public UserActivity getResult(UserActivity acc) {
            return acc;
        }

        @Override
        public UserActivity merge(UserActivity a, UserActivity b) {
            for (int i = 0; i < a.countsByType.length; i++) {
                a.countsByType[i] += b.countsByType[i];
            }
            a.purchases += b.purchases;
            a.revenueCents += b.revenueCents;
            return a;
        }
    }

    public static final class EmitUserActivity
            extends ProcessWindowFunction<UserActivity, UserActivity, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(String userId, Context ctx, Iterable<UserActivity> all, Collector<UserActivity> out) {
            UserActivity a = all.iterator().next();
            a.userId = userId;
            a.windowStart = ctx.window().getStart();
            a.windowEnd = ctx.window().getEnd();
            out.collect(a);
        }
    }

    public static final class Combine implements AggregateFunction<UserActivity, Dashboard, Dashboard> {
        private static final long serialVersionUID = 1L;

        @Override
        public Dashboard createAccumulator() {
            return new Dashboard();
        }

        @Override
        public Dashboard add(UserActivity u, Dashboard d) {
            for (int i = 0; i < d.countsByType.length; i++) {
                d.countsByType[i] += u.countsByType[i];
            }
            d.purchases += u.purchases;
            d.revenueCents += u.revenueCents;
            d.activeUsers++;
            return d;
        }

        @Override
        public Dashboard getResult(Dashboard d) {
            return d;
        }

        @Override
        public Dashboard merge(Dashboard a, Dashboard b) {
            for (int i = 0; i < a.countsByType.length; i++) {
                a.countsByType[i] += b.countsByType[i];
            }
            a.purchases += b.purchases;
            a.revenueCents += b.revenueCents;
            a.activeUsers += b.activeUsers;
            return a;
        }
    }

    public static final class EmitDashboard extends ProcessAllWindowFunction<Dashboard, Dashboard, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(Context ctx, Iterable<Dashboard> all, Collector<Dashboard> out) {
            Dashboard d = all.iterator().next();
            d.windowStart = ctx.window().getStart();
            d.windowEnd = ctx.window().getEnd();
            out.collect(d);
        }
    }
}
