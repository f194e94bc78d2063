package io.gmall.reconcile;

import io.gmall.streaming.time.BusinessTime;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * A day's alert documents in Elasticsearch against the recomputed ones, by document id ({@code mid|window end}):
 * those to write (missing, or with other users, items or events) and those to delete (no such alert).
 */
final class AlertDocuments {

    record Plan(Set<String> write, Set<String> delete, List<HourlyComparison.Line> lines) {
    }

    private AlertDocuments() {
    }

    static Plan plan(List<Row> realtime, List<Row> recomputed, BusinessTime time) {
        Map<String, String> have = signatures(realtime);
        Map<String, String> want = signatures(recomputed);
        Set<String> write = new TreeSet<>();
        want.forEach((id, signature) -> {
            if (!signature.equals(have.get(id))) {
                write.add(id);
            }
        });
        Set<String> delete = new TreeSet<>(have.keySet());
        delete.removeAll(want.keySet());
        Map<String, long[]> byHour = new HashMap<>();
        count(realtime, 0, byHour, time);
        count(recomputed, 1, byHour, time);
        Map<String, String> hourOf = new HashMap<>();
        for (Row r : realtime) {
            hourOf.put(r.getAs("alert_id"), hour(r, time));
        }
        for (Row r : recomputed) {
            hourOf.put(r.getAs("alert_id"), hour(r, time));
        }
        write.forEach(id -> byHour.computeIfAbsent(hourOf.get(id), h -> new long[3])[2]++);
        delete.forEach(id -> byHour.computeIfAbsent(hourOf.get(id), h -> new long[3])[2]++);
        List<HourlyComparison.Line> lines = new ArrayList<>();
        for (String hh : BusinessTime.HOURS) {
            long[] c = byHour.getOrDefault(hh, new long[3]);
            lines.add(new HourlyComparison.Line("alerts", hh, BigDecimal.valueOf(c[0]), BigDecimal.valueOf(c[1]), c[2]));
        }
        return new Plan(write, delete, lines);
    }

    private static void count(List<Row> alerts, int slot, Map<String, long[]> byHour, BusinessTime time) {
        for (Row r : alerts) {
            byHour.computeIfAbsent(hour(r, time), h -> new long[3])[slot]++;
        }
    }

    /** The business hour in which the alert's window ends (the instant just before its end, as its {@code dt}). */
    private static String hour(Row alert, BusinessTime time) {
        return time.hour(millis(alert.getAs("window_end")) - 1);
    }

    private static Map<String, String> signatures(List<Row> alerts) {
        Map<String, String> out = new HashMap<>();
        for (Row r : alerts) {
            out.put(r.getAs("alert_id"), String.join("|", r.getAs("mid"), Long.toString(millis(r.getAs("window_start"))),
                    Long.toString(millis(r.getAs("window_end"))), list(r, "uids"), list(r, "item_ids"), list(r, "events")));
        }
        return out;
    }

    /** Epoch ms of a date field: a long as the rule computes it, a timestamp as elasticsearch-spark reads a date. */
    private static long millis(Object value) {
        return value instanceof java.sql.Timestamp t ? t.getTime() : ((Number) value).longValue();
    }

    private static String list(Row r, String field) {
        int i = r.fieldIndex(field);
        return r.isNullAt(i) ? "" : String.join(",", new TreeSet<String>(r.<String>getList(i)));
    }
}
