package io.gmall.streaming.dau;

import io.gmall.streaming.store.RowStore;
import io.gmall.streaming.store.StateStore;
import io.gmall.streaming.store.StoreRetry;
import io.gmall.streaming.time.BusinessTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Applies a micro-batch's first visits to the DAU state in Redis and the HBase tables the API reads.
 *
 * <p>State, every write absolute so that applying a batch twice changes nothing: per business day a sorted
 * set {@code gmall:dau:<dt>} of device to its earliest startup that day (ZADD LT), and one sorted set
 * {@code gmall:dau:first_seen} of device to its earliest startup ever. A day's hourly counts are then
 * ZCOUNTs over the hour's bounds: active devices by their first visit's hour, and new devices (first
 * startup ever in that hour). A late startup moves a device to an earlier hour, or a new device to an
 * earlier day; the days whose counts a batch changes are kept in {@code gmall:dau:pending} until HBase has
 * them, so a crash between Redis and HBase is repaired by the replay.
 *
 * <p>HBase: {@code gmall:dau} row {@code <dt>|<mid>} holds the first visit (family {@code info}:
 * {@code mid, uid, os, area, ch, vs, appid, ts, event_id, hh}); {@code gmall:dau_hourly} row {@code <dt>}
 * holds {@code dau_HH} and {@code new_HH} for hours 00–23 and the day's {@code dau} and {@code new_mid}
 * (family {@code m}, decimal text).
 */
public final class DauWriter {

    public static final String FIRST_SEEN = "gmall:dau:first_seen";
    public static final String PENDING = "gmall:dau:pending";
    public static final String DAU_TABLE = "dau";
    public static final String HOURLY_TABLE = "dau_hourly";

    private final StateStore state;
    private final RowStore rows;
    private final BusinessTime time;
    private final Duration retention;
    private final StoreRetry retry;
    private final Clock clock;
    private long tooLate;

    public DauWriter(StateStore state, RowStore rows, BusinessTime time, Duration retention, StoreRetry retry, Clock clock) {
        this.state = state;
        this.rows = rows;
        this.time = time;
        this.retention = retention;
        this.retry = retry;
        this.clock = clock;
    }

    /** Startups skipped because their day's state has expired (left to the nightly reconcile). */
    public long tooLate() {
        return tooLate;
    }

    public static String dayKey(String dt) {
        return "gmall:dau:" + dt;
    }

    /** The row key of a device's first visit of a day in {@code gmall:dau}. */
    public static String visitRow(String dt, String mid) {
        return dt + "|" + mid;
    }

    /**
     * Replaces day {@code dt}'s dedupe state with the given first visits (device to its earliest startup of the day)
     * and lowers each device's first-ever time to the one given: the nightly reconcile's correction, so that a later
     * batch of the day recounts from the corrected state rather than the wrong one. Absolute: applying it twice
     * changes nothing.
     */
    public static void restate(StateStore state, String dt, Map<String, Long> firstVisits, Map<String, Long> firstEver, Duration retention) {
        state.delete(List.of(dayKey(dt)));
        if (!firstVisits.isEmpty()) {
            state.addScored(Map.of(dayKey(dt), firstVisits));
            state.expire(List.of(dayKey(dt)), retention.toSeconds());
        }
        state.addLowest(FIRST_SEEN, firstEver);
    }

    /** Applies the batch; returns the days whose counts were rewritten. */
    public List<String> apply(List<FirstVisit> visits) {
        Map<String, Map<String, FirstVisit>> byDay = new LinkedHashMap<>();
        Map<String, Long> earliest = new HashMap<>();
        // A day's state expires after the retention; counting into a recreated, partial set would be wrong.
        long oldest = clock.millis() - retention.toMillis() + Duration.ofDays(1).toMillis();
        for (FirstVisit v : visits) {
            if (v.ts() < oldest) {
                tooLate++;
                continue;
            }
            byDay.computeIfAbsent(v.dt(), d -> new LinkedHashMap<>()).merge(v.mid(), v, (a, b) -> a.ts() <= b.ts() ? a : b);
            earliest.merge(v.mid(), v.ts(), Math::min);
        }
        Map<String, Map<String, String>> firstVisitRows = new LinkedHashMap<>();
        retry.run("Redis", "updating DAU state", () -> {
            List<String> mids = new ArrayList<>(earliest.keySet());
            List<Long> known = state.scores(FIRST_SEEN, mids);
            TreeSet<String> touched = new TreeSet<>(byDay.keySet());
            for (int i = 0; i < mids.size(); i++) {
                Long before = known.get(i);
                if (before != null && earliest.get(mids.get(i)) < before) {
                    touched.add(time.day(before));
                }
            }
            state.setAdd(PENDING, touched);
            for (Map.Entry<String, Map<String, FirstVisit>> day : byDay.entrySet()) {
                Map<String, Long> scores = new HashMap<>();
                day.getValue().forEach((mid, v) -> scores.put(mid, v.ts()));
                state.addLowest(dayKey(day.getKey()), scores);
            }
            state.expire(byDay.keySet().stream().map(DauWriter::dayKey).toList(), retention.toSeconds());
            state.addLowest(FIRST_SEEN, earliest);
            firstVisitRows.clear();
            for (Map.Entry<String, Map<String, FirstVisit>> day : byDay.entrySet()) {
                List<FirstVisit> candidates = new ArrayList<>(day.getValue().values());
                List<Long> current = state.scores(dayKey(day.getKey()), candidates.stream().map(FirstVisit::mid).toList());
                for (int i = 0; i < candidates.size(); i++) {
                    FirstVisit v = candidates.get(i);
                    if (current.get(i) != null && current.get(i) == v.ts()) {
                        firstVisitRows.put(visitRow(v.dt(), v.mid()), cells(v));
                    }
                }
            }
        });
        retry.run("HBase", "writing first visits", () -> rows.put(DAU_TABLE, "info", firstVisitRows));
        List<String> days = retry.call("Redis", "reading pending DAU days", () -> state.setMembers(PENDING));
        Map<String, Map<String, String>> hourly = new LinkedHashMap<>();
        retry.run("Redis", "counting DAU by hour", () -> {
            for (String dt : days) {
                hourly.put(dt, hourlyCells(dt));
            }
        });
        retry.run("HBase", "writing hourly DAU", () -> rows.put(HOURLY_TABLE, "m", hourly));
        retry.run("Redis", "clearing pending DAU days", () -> state.setRemove(PENDING, days));
        return days;
    }

    private Map<String, String> cells(FirstVisit v) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("mid", v.mid());
        putIfPresent(c, "uid", v.uid());
        putIfPresent(c, "os", v.os());
        putIfPresent(c, "area", v.area());
        putIfPresent(c, "ch", v.ch());
        putIfPresent(c, "vs", v.vs());
        putIfPresent(c, "appid", v.appid());
        c.put("ts", Long.toString(v.ts()));
        c.put("event_id", v.eventId());
        c.put("hh", time.hour(v.ts()));
        return c;
    }

    private static void putIfPresent(Map<String, String> cells, String column, String value) {
        if (value != null) {
            cells.put(column, value);
        }
    }

    private Map<String, String> hourlyCells(String dt) {
        long[] bounds = time.hourBounds(dt);
        return hourlyRow(state.countRanges(dayKey(dt), bounds), state.countRanges(FIRST_SEEN, bounds));
    }

    /**
     * A day's row of {@code gmall:dau_hourly}: {@code dau_HH} and {@code new_HH} for the hours 00–23 and the day's
     * {@code dau} and {@code new_mid}, from the first visits and the new devices counted per hour.
     */
    public static Map<String, String> hourlyRow(long[] active, long[] fresh) {
        Map<String, String> c = new LinkedHashMap<>();
        long dau = 0;
        long newMid = 0;
        for (int h = 0; h < 24; h++) {
            String hh = BusinessTime.HOURS.get(h);
            c.put("dau_" + hh, Long.toString(active[h]));
            c.put("new_" + hh, Long.toString(fresh[h]));
            dau += active[h];
            newMid += fresh[h];
        }
        c.put("dau", Long.toString(dau));
        c.put("new_mid", Long.toString(newMid));
        return c;
    }
}
