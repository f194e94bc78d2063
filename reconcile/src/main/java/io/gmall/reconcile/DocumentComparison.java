package io.gmall.reconcile;

import io.gmall.streaming.time.BusinessTime;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A day's documents in Elasticsearch against the recomputed ones, by document id and content: those to write
 * (missing, or with other content) and those to delete (no such document should exist), counted per hour.
 */
final class DocumentComparison {

    /** A document as compared: its id, the business hour it is counted in, and its content in one string. */
    record Doc(String id, String hour, String content) {
    }

    record Plan(Set<String> write, Set<String> delete, List<HourlyComparison.Line> lines) {
    }

    private DocumentComparison() {
    }

    static Plan plan(String metric, List<Doc> realtime, List<Doc> recomputed) {
        Map<String, Doc> have = byId(realtime);
        Map<String, Doc> want = byId(recomputed);
        Set<String> write = new TreeSet<>();
        want.forEach((id, doc) -> {
            Doc found = have.get(id);
            if (found == null || !found.content().equals(doc.content())) {
                write.add(id);
            }
        });
        Set<String> delete = new TreeSet<>(have.keySet());
        delete.removeAll(want.keySet());
        Map<String, long[]> byHour = new HashMap<>();
        have.values().forEach(d -> counts(byHour, d.hour())[0]++);
        want.values().forEach(d -> counts(byHour, d.hour())[1]++);
        write.forEach(id -> counts(byHour, want.get(id).hour())[2]++);
        delete.forEach(id -> counts(byHour, have.get(id).hour())[2]++);
        List<HourlyComparison.Line> lines = new ArrayList<>();
        for (String hh : BusinessTime.HOURS) {
            long[] c = byHour.getOrDefault(hh, new long[3]);
            lines.add(new HourlyComparison.Line(metric, hh, BigDecimal.valueOf(c[0]), BigDecimal.valueOf(c[1]), c[2]));
        }
        return new Plan(write, delete, lines);
    }

    private static long[] counts(Map<String, long[]> byHour, String hour) {
        return byHour.computeIfAbsent(hour, h -> new long[3]);
    }

    private static Map<String, Doc> byId(List<Doc> docs) {
        Map<String, Doc> out = new HashMap<>();
        docs.forEach(d -> out.put(d.id(), d));
        return out;
    }

    /**
     * Epoch ms of a date field: a long as the jobs compute it, a timestamp as elasticsearch-spark reads a date, or the
     * ISO-8601 text a document was written with.
     */
    static long millis(Object value) {
        if (value instanceof java.sql.Timestamp t) {
            return t.getTime();
        }
        if (value instanceof String text) {
            return java.time.OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
        return ((Number) value).longValue();
    }
}
