package io.gmall.serving.realtime;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.gmall.serving.ServingProperties;
import io.gmall.serving.StoreUnavailableException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * The day's totals and hourly series, read from the absolute values the stream keeps per day: one multi-get
 * per table, each row then served from memory for {@code gmall.serving.realtime-cache}. A figure the stream has
 * not written yet is 0, never missing.
 */
@Service
public final class RealtimeService {

    static final List<String> HOURS = java.util.stream.IntStream.range(0, 24).mapToObj(h -> String.format("%02d", h)).toList();

    /** One entry of {@code /realtime-total}. */
    public record Figure(String id, String name, Number value) {
    }

    /** A row of a table: the cache's key. */
    private record RowKey(String table, String row) {
    }

    private final LoadingCache<RowKey, Map<String, String>> rows;

    public RealtimeService(RowReader reader, ServingProperties properties) {
        this.rows = Caffeine.newBuilder().expireAfterWrite(properties.realtimeCache()).maximumSize(1000).build(new CacheLoader<>() {
            @Override
            public Map<String, String> load(RowKey key) {
                return reader.rows(key.table(), List.of(key.row())).get(key.row());
            }

            /** The rows of one table in one multi-get. */
            @Override
            public Map<RowKey, Map<String, String>> loadAll(Set<? extends RowKey> keys) {
                Map<RowKey, Map<String, String>> out = new LinkedHashMap<>();
                keys.stream().collect(Collectors.groupingBy(RowKey::table)).forEach((table, wanted) ->
                        reader.rows(table, wanted.stream().map(RowKey::row).toList()).forEach((row, cells) -> out.put(new RowKey(table, row), cells)));
                return out;
            }
        });
    }

    private Map<String, Map<String, String>> read(String table, List<String> rowKeys) {
        Map<RowKey, Map<String, String>> found = rows.getAll(rowKeys.stream().map(r -> new RowKey(table, r)).toList());
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        found.forEach((k, cells) -> out.put(k.row(), cells));
        return out;
    }

    public List<Figure> total(LocalDate day) {
        String dt = day.toString();
        Map<String, Map<String, String>> byTable = new LinkedHashMap<>();
        List<Figure> out = new ArrayList<>();
        for (Metric m : Metric.values()) {
            Map<String, String> cells = byTable.computeIfAbsent(m.table, t -> read(t, List.of(dt)).get(dt));
            out.add(new Figure(m.id, m.title, value(m, cells, m.totalColumn)));
        }
        return out;
    }

    /** {@code {"yesterday": {"00": v, …, "23": v}, "today": {…}}}: every hour of both days. */
    public Map<String, Map<String, Number>> hours(Metric m, LocalDate day) {
        String today = day.toString();
        String yesterday = day.minusDays(1).toString();
        Map<String, Map<String, String>> found = read(m.table, List.of(yesterday, today));
        Map<String, Map<String, Number>> out = new LinkedHashMap<>();
        out.put("yesterday", hours(m, found.get(yesterday)));
        out.put("today", hours(m, found.get(today)));
        return out;
    }

    private static Map<String, Number> hours(Metric m, Map<String, String> cells) {
        Map<String, Number> out = new LinkedHashMap<>();
        HOURS.forEach(hh -> out.put(hh, value(m, cells, m.hourPrefix + hh)));
        return out;
    }

    private static Number value(Metric m, Map<String, String> cells, String column) {
        String text = cells == null ? null : cells.get(column);
        try {
            if (m == Metric.ORDER_AMOUNT) {
                return text == null ? BigDecimal.ZERO.setScale(2) : new BigDecimal(text);
            }
            return text == null ? 0L : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new StoreUnavailableException("HBase", "reading " + m.table + " " + column + " (not a number: '" + text + "')", e);
        }
    }
}
