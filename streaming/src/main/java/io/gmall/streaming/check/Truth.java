package io.gmall.streaming.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.streaming.StreamingConfig;
import io.gmall.streaming.time.BusinessTime;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the stores must hold, from the mock's ledgers of every run since the stack was last cleaned, judged
 * together: devices by the union of their first visits, orders by id, alerts by device and window end.
 */
public final class Truth {

    /** An expected alert; {@code excused} when the watermark lets the stream differ (late events in its window, or not yet closed). */
    public record Alert(String mid, long windowEnd, String dt, boolean excused) {
    }

    /** The expected fields of one sale-detail document. */
    public record SaleDetail(String id, String dt, String orderStatus, String userGender, Integer userAge, String userLevel, int skuNum,
                             BigDecimal skuPrice) {
    }

    private static final Duration WATERMARK_MARGIN = Duration.ofSeconds(10);
    private static final Duration APPEND_SKEW = Duration.ofSeconds(2);

    final TreeMap<String, long[]> dau = new TreeMap<>();
    final TreeMap<String, long[]> newMid = new TreeMap<>();
    final TreeMap<String, long[]> orderCount = new TreeMap<>();
    final TreeMap<String, BigDecimal[]> orderAmount = new TreeMap<>();
    final Map<String, Alert> alerts = new TreeMap<>();
    final Map<String, SaleDetail> sale = new TreeMap<>();
    final Map<String, Set<String>> eventIds = new TreeMap<>();
    final List<Path> ledgers;
    private Map<String, List<Long>> lateActivities = Map.of();
    private long horizon;

    private Truth(List<Path> ledgers) {
        this.ledgers = ledgers;
    }

    public static String alertKey(String mid, long windowEnd) {
        return mid + "|" + windowEnd;
    }

    /**
     * The ledgers of {@code ledgers} under the project root ({@code gmall.root}), judged with the stream's
     * settings; empty, with the reason on stderr, when there are none.
     */
    public static Optional<Truth> ofLedgers(Path ledgers, StreamingConfig config) throws IOException {
        Path dir = Path.of(System.getProperty("gmall.root", ".")).resolve(ledgers);
        Truth truth = Files.isDirectory(dir) ? of(dir, new BusinessTime(config.businessZone), config.watermark, config.alertWindow) : null;
        if (truth == null || truth.ledgers.isEmpty()) {
            System.err.println("no ledgers in " + dir + ": run ./gmall mock first");
            return Optional.empty();
        }
        return Optional.of(truth);
    }

    /** Reads every {@code ledger-<run>.json} of {@code dir} (not the {@code ledger-latest.json} copy). */
    public static Truth of(Path dir, BusinessTime time, Duration watermark, Duration window) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("ledger-.+\\.json") && !p.getFileName().toString().equals("ledger-latest.json"))
                    .sorted().toList();
        }
        Truth t = new Truth(files);
        ObjectMapper json = new ObjectMapper();
        Map<String, Map<String, Long>> firstVisits = new TreeMap<>();
        Map<String, JsonNode> orders = new TreeMap<>();
        List<JsonNode> expectedAlerts = new ArrayList<>();
        Map<String, List<Long>> late = new HashMap<>();
        long maxEventTs = Long.MIN_VALUE;
        for (Path f : files) {
            JsonNode l = json.readTree(f.toFile());
            l.path("first_visits").fields().forEachRemaining(day -> day.getValue().fields().forEachRemaining(v ->
                    firstVisits.computeIfAbsent(day.getKey(), d -> new HashMap<>()).merge(v.getKey(), v.getValue().asLong(), Math::min)));
            l.path("orders").forEach(o -> orders.put(o.path("order_id").asText(), o));
            l.path("alerts").forEach(expectedAlerts::add);
            JsonNode floor = l.path("run").path("stream_alert_watermark_at_start");
            double speed = l.path("run").path("speed").asDouble(1);
            for (JsonNode a : l.path("late_activities")) {
                if (behindWatermark(a, floor.isNumber() ? floor.asLong() : null, speed, watermark)) {
                    late.computeIfAbsent(a.path("mid").asText(), m -> new ArrayList<>()).add(a.path("ts").asLong());
                }
            }
            if (l.has("max_event_ts")) {
                maxEventTs = Math.max(maxEventTs, l.path("max_event_ts").asLong());
            }
            l.path("kafka").fields().forEachRemaining(topic -> {
                if (topic.getValue().has("event_ids")) {
                    Set<String> ids = t.eventIds.computeIfAbsent(topic.getKey(), k -> new HashSet<>());
                    topic.getValue().path("event_ids").forEach(id -> ids.add(id.asText()));
                }
            });
        }
        Map<String, Long> firstEver = new HashMap<>();
        firstVisits.values().forEach(m -> m.forEach((mid, ts) -> firstEver.merge(mid, ts, Math::min)));
        firstVisits.forEach((dt, visits) -> visits.forEach((mid, ts) -> {
            int h = Integer.parseInt(time.hour(ts));
            t.dau.computeIfAbsent(dt, d -> new long[24])[h]++;
            long[] fresh = t.newMid.computeIfAbsent(dt, d -> new long[24]);
            if (firstEver.get(mid) == ts.longValue()) {
                fresh[h]++;
            }
        }));
        for (JsonNode o : orders.values()) {
            String dt = o.path("dt").asText();
            int h = Integer.parseInt(o.path("hour").asText());
            t.orderCount.computeIfAbsent(dt, d -> new long[24])[h]++;
            BigDecimal[] amounts = t.orderAmount.computeIfAbsent(dt, d -> zeros());
            amounts[h] = amounts[h].add(new BigDecimal(o.path("total_amount").asText()));
            JsonNode u = o.path("user");
            for (JsonNode d : o.path("details")) {
                String id = d.path("order_detail_id").asText();
                t.sale.put(id, new SaleDetail(id, dt, o.path("order_status").asText(), text(u, "gender"),
                        u.path("age").isNumber() ? u.path("age").asInt() : null, text(u, "level"), d.path("sku_num").asInt(),
                        new BigDecimal(d.path("sku_price").asText())));
            }
        }
        long horizon = maxEventTs == Long.MIN_VALUE ? Long.MIN_VALUE : maxEventTs - watermark.toMillis();
        for (JsonNode a : expectedAlerts) {
            String mid = a.path("mid").asText();
            long end = a.path("window_end_ms").asLong();
            t.alerts.put(alertKey(mid, end), new Alert(mid, end, a.path("dt").asText(), end > horizon || lateIn(late, mid, end - window.toMillis(), end)));
        }
        t.lateActivities = late;
        t.horizon = horizon;
        return t;
    }

    /**
     * Whether a claim or click may have been behind the stream's watermark when it arrived (with a margin for the
     * watermark trailing the newest event by a batch). When the run recorded the stream's watermark at its start:
     * older than that, or behind the run's own newest event by more than the watermark delay, in event time and
     * whatever the simulated clock. The stream sees events in Kafka's append order, which may differ from the
     * mock's acknowledgement order by {@link #APPEND_SKEW} of wall time: at the run's speed that is
     * {@code speed} times as much event time. A ledger without the stream's watermark is judged by the wall
     * clock: acknowledged later than the delay.
     */
    static boolean behindWatermark(JsonNode activity, Long watermarkAtStart, double speed, Duration watermark) {
        long delay = watermark.toMillis() - WATERMARK_MARGIN.toMillis();
        if (watermarkAtStart == null) {
            return activity.path("lag_ms").asLong() > delay;
        }
        long skew = Math.round(speed * APPEND_SKEW.toMillis());
        return activity.path("ts").asLong() < watermarkAtStart + WATERMARK_MARGIN.toMillis()
                || activity.path("event_lag_ms").asLong() + skew > delay;
    }

    /** Whether a late claim or click of {@code mid} falls in {@code [start, end)}: the stream may have dropped it. */
    boolean excused(String mid, long windowEnd, Duration window) {
        return windowEnd > horizon || lateIn(lateActivities, mid, windowEnd - window.toMillis(), windowEnd);
    }

    private static boolean lateIn(Map<String, List<Long>> late, String mid, long start, long end) {
        return late.getOrDefault(mid, List.of()).stream().anyMatch(ts -> ts >= start && ts < end);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static BigDecimal[] zeros() {
        BigDecimal[] z = new BigDecimal[24];
        java.util.Arrays.fill(z, BigDecimal.ZERO);
        return z;
    }
}
